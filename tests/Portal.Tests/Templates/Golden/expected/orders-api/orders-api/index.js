// orders_api entry point
const name = 'orders-api';
console.log(`hello from ${name}`);
