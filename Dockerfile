# syntax=docker/dockerfile:1
# Multi-stage build of the antom-checkout binary (server, CLI and simulator in one).
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock rustfmt.toml ./
COPY crates crates
COPY migrations migrations
COPY static static
RUN cargo build --release --locked -p antom-checkout

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app checkout
WORKDIR /app
COPY --from=build /src/target/release/antom-checkout /usr/local/bin/antom-checkout
USER checkout
ENV BIND_ADDR=0.0.0.0:8080 DATA_DIR=/app/data LOG_FORMAT=json
EXPOSE 8080 8090
HEALTHCHECK CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
ENTRYPOINT ["antom-checkout"]
CMD ["serve"]
