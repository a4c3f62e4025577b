// Validates every `--json` document the tool printed against its committed JSON Schema,
// with Ajv (draft 2020-12), the validator most JavaScript tools use.
//
//   node schema.cjs <schema.json> <folder of .json documents>
//
// Prints one line per invalid document (with Ajv's errors) and exits 1 if any is invalid.
'use strict';
const fs = require('fs');
const path = require('path');
const { need } = require('./loader.cjs');
const Ajv2020 = need('ajv/dist/2020').default;

const [schemaPath, docsDir] = process.argv.slice(2);
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
// The integer formats schemars writes for Rust's unsigned types.
const unsigned = (max) => ({
  type: 'number',
  validate: (n) => Number.isInteger(n) && n >= 0 && n <= max,
});
ajv.addFormat('uint', unsigned(Number.MAX_SAFE_INTEGER));
ajv.addFormat('uint8', unsigned(255));
ajv.addFormat('uint32', unsigned(4294967295));
ajv.addFormat('uint64', unsigned(Number.MAX_SAFE_INTEGER));
const validate = ajv.compile(schema);

let bad = 0;
const names = fs.readdirSync(docsDir).filter((n) => n.endsWith('.json')).sort();
for (const name of names) {
  const doc = JSON.parse(fs.readFileSync(path.join(docsDir, name), 'utf8'));
  if (!validate(doc)) {
    bad += 1;
    console.log(`${name}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
  }
}
console.log(`${names.length - bad} of ${names.length} documents valid`);
process.exit(bad === 0 ? 0 : 1);
