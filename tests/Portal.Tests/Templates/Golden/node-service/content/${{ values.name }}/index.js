// ${{ values.name | replace('-', '_') }} entry point
const name = '${{ values.name }}';
console.log(`hello from ${name}`);
