// validate_schema.js — check JSON documents against a JSON Schema (draft-07)
// with ajv, the well-kept validator of the npm registry: the quarterly
// report's JSON against docs/quarterly.schema.json. Usage:
//   FHIR_NODE_MODULES=DIR node validate_schema.js SCHEMA FILE...
// Prints "ok FILE" or "not ok FILE: <first errors>" per file; exits 1 if any
// is invalid, 2 if ajv or the schema cannot be loaded.
'use strict';
const fs = require('fs');
const path = require('path');

let Ajv;
try {
  Ajv = require(path.join(process.env.FHIR_NODE_MODULES || '', 'ajv'));
} catch (e) {
  console.log('not ok validator: cannot load ajv: ' + e.message.split('\n')[0]);
  process.exit(2);
}
let validate;
try {
  const ajv = new Ajv({allErrors: true});
  validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));
} catch (e) {
  console.log('not ok schema: ' + e.message.split('\n')[0]);
  process.exit(2);
}
let failed = 0;
for (const file of process.argv.slice(3)) {
  if (validate(JSON.parse(fs.readFileSync(file, 'utf8')))) {
    console.log('ok ' + file);
  } else {
    failed++;
    console.log('not ok ' + file + ': ' + JSON.stringify(validate.errors.slice(0, 3)));
  }
}
process.exit(failed ? 1 : 0);
