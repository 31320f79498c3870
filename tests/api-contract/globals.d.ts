// What the pages' other scripts put on window (money.js, the Antom Web SDK), as checkout.js
// uses them; their own shapes are not part of the HTTP contract.
interface Window {
  AntomMoney: any;
  AMSCashierPayment: any;
  AMSElement: any;
}
