//! Write statements that go to the database together, as one statement.
//!
//! A transaction's writes are known before any is sent (an order's projections come from its
//! snapshot, not from reads), so they can travel together, and every round trip saved is one
//! the transaction no longer holds its locks for:
//!
//! - SQLite: one multi-statement `execute`. sqlx runs the statements in order on the
//!   connection's thread, binding the anonymous `?` parameters of each in turn, and stops at
//!   the first failure: one hand-off to the single writer instead of one per statement.
//! - PostgreSQL: one statement, `WITH b0 AS (…), b1 AS (…) <last>`. Data-modifying statements in
//!   `WITH` all run, on one snapshot, as parts of a single statement; foreign keys are checked
//!   at its end, so an order and its items can be inserted together. The parts must therefore
//!   never touch the same row (each here writes a different table, or different rows of one).
//!
//! Either way a failure fails the whole batch, and the caller's transaction rolls back.

use sea_orm::sea_query::{
    Alias, CommonTableExpression, DeleteStatement, InsertStatement, UpdateStatement, WithClause,
};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryTrait, Statement, Values};

#[derive(Debug)]
pub(super) struct Batch {
    backend: DbBackend,
    statements: Vec<Write>,
}

/// One statement of a batch.
#[derive(Debug)]
pub(super) enum Write {
    Insert(InsertStatement),
    Update(UpdateStatement),
    Delete(DeleteStatement),
}

impl From<InsertStatement> for Write {
    fn from(s: InsertStatement) -> Write {
        Write::Insert(s)
    }
}

impl From<UpdateStatement> for Write {
    fn from(s: UpdateStatement) -> Write {
        Write::Update(s)
    }
}

impl From<DeleteStatement> for Write {
    fn from(s: DeleteStatement) -> Write {
        Write::Delete(s)
    }
}

impl Batch {
    pub(super) fn new(backend: DbBackend) -> Batch {
        Batch {
            backend,
            statements: Vec::new(),
        }
    }

    /// Adds an insert, update or delete.
    pub(super) fn push<Q>(&mut self, query: Q)
    where
        Q: QueryTrait,
        Q::QueryStatement: Into<Write>,
    {
        self.statements.push(query.into_query().into());
    }

    /// Runs every statement on `db` (normally a transaction); nothing when empty.
    pub(super) async fn execute(self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        if let Some(statement) = self.into_statement() {
            db.execute(statement).await?;
        }
        Ok(())
    }

    pub(super) fn backend(&self) -> DbBackend {
        self.backend
    }

    /// The one statement that does the whole batch.
    pub(super) fn into_statement(self) -> Option<Statement> {
        let backend = self.backend;
        let mut statements = self.statements;
        let last = statements.pop()?;
        if statements.is_empty() {
            return Some(build(backend, last));
        }
        match backend {
            DbBackend::Postgres => {
                let mut with = WithClause::new();
                for (i, part) in statements.into_iter().enumerate() {
                    let mut cte = CommonTableExpression::new();
                    match part {
                        Write::Insert(s) => cte.query(s),
                        Write::Update(s) => cte.query(s),
                        Write::Delete(s) => cte.query(s),
                    };
                    with.cte(cte.table_name(Alias::new(format!("b{i}"))).to_owned());
                }
                let query = match last {
                    Write::Insert(s) => with.query(s),
                    Write::Update(s) => with.query(s),
                    Write::Delete(s) => with.query(s),
                };
                Some(backend.build(&query))
            }
            DbBackend::Sqlite | DbBackend::MySql => {
                let mut sql = String::new();
                let mut values = Vec::new();
                for part in statements.into_iter().chain([last]) {
                    let Statement {
                        sql: part_sql,
                        values: part_values,
                        ..
                    } = build(backend, part);
                    if !sql.is_empty() {
                        sql.push_str(";\n");
                    }
                    sql.push_str(&part_sql);
                    if let Some(Values(v)) = part_values {
                        values.extend(v);
                    }
                }
                Some(Statement::from_sql_and_values(backend, sql, values))
            }
        }
    }
}

fn build(backend: DbBackend, statement: Write) -> Statement {
    match statement {
        Write::Insert(s) => backend.build(&s),
        Write::Update(s) => backend.build(&s),
        Write::Delete(s) => backend.build(&s),
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::{Expr, Query, UpdateStatement};

    use super::*;

    struct Update(UpdateStatement);

    impl QueryTrait for Update {
        type QueryStatement = UpdateStatement;
        fn query(&mut self) -> &mut UpdateStatement {
            &mut self.0
        }
        fn as_query(&self) -> &UpdateStatement {
            &self.0
        }
        fn into_query(self) -> UpdateStatement {
            self.0
        }
    }

    fn two_updates(backend: DbBackend) -> Statement {
        let mut batch = Batch::new(backend);
        for (table, id, value) in [("a", 1, "x"), ("b", 2, "y")] {
            batch.push(Update(
                Query::update()
                    .table(Alias::new(table))
                    .value(Alias::new("v"), value)
                    .and_where(Expr::col(Alias::new("id")).eq(id))
                    .to_owned(),
            ));
        }
        batch.into_statement().expect("two statements")
    }

    #[test]
    fn sqlite_statements_join_with_their_parameters_in_order() {
        let joined = two_updates(DbBackend::Sqlite);
        assert_eq!(
            joined.sql,
            "UPDATE \"a\" SET \"v\" = ? WHERE \"id\" = ?;\nUPDATE \"b\" SET \"v\" = ? WHERE \"id\" = ?"
        );
        assert_eq!(
            joined.values.expect("parameters").0,
            vec!["x".into(), 1.into(), "y".into(), 2.into()],
        );
    }

    #[test]
    fn postgres_statements_become_one_with_numbered_parameters() {
        let joined = two_updates(DbBackend::Postgres);
        assert_eq!(
            joined.sql,
            "WITH \"b0\" AS (UPDATE \"a\" SET \"v\" = $1 WHERE \"id\" = $2) UPDATE \"b\" SET \"v\" = $3 WHERE \"id\" = $4"
        );
        assert_eq!(
            joined.values.expect("parameters").0,
            vec!["x".into(), 1.into(), "y".into(), 2.into()],
        );
    }

    #[test]
    fn an_empty_batch_sends_nothing() {
        assert!(Batch::new(DbBackend::Sqlite).into_statement().is_none());
    }
}
