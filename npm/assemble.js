// Assembles the npm packages of one release in OUTDIR/stage, from the repository:
//   node npm/assemble.js <version> <outdir> <platform key> <binary>
// - the main package `insforge-integrate` (launcher, SKILL.md, README), whose
//   optionalDependencies list every platform package at <version>;
// - the platform package `insforge-integrate-<platform key>` holding <binary>.
// Prints the two staged folders, one per line. `npm/pack` packs them.
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { PLATFORMS, packageName } = require('./insforge-integrate/lib/platform.js');

const [version, outdir, platformKey, binary] = process.argv.slice(2);
if (!version || !outdir || !platformKey || !binary) {
  console.error('usage: node npm/assemble.js <version> <outdir> <platform key> <binary>');
  process.exit(2);
}
const platform = PLATFORMS[platformKey];
if (!platform) {
  console.error(`unknown platform ${platformKey}: one of ${Object.keys(PLATFORMS).join(', ')}`);
  process.exit(2);
}
const repo = path.join(__dirname, '..');
const stage = path.join(outdir, 'stage');
fs.rmSync(stage, { recursive: true, force: true });

// The main package.
const main = path.join(stage, 'insforge-integrate');
fs.cpSync(path.join(__dirname, 'insforge-integrate'), main, { recursive: true });
fs.copyFileSync(path.join(repo, 'src', 'SKILL.md'), path.join(main, 'SKILL.md'));
fs.copyFileSync(path.join(repo, 'LICENSE'), path.join(main, 'LICENSE'));
// The manual page, from the binary itself (each release job packs on its own platform).
fs.mkdirSync(path.join(main, 'man'), { recursive: true });
fs.writeFileSync(path.join(main, 'man', 'insforge-integrate.1'), execFileSync(binary, ['man']));
const manifest = JSON.parse(fs.readFileSync(path.join(main, 'package.json'), 'utf8'));
manifest.version = version;
manifest.man = ['./man/insforge-integrate.1'];
manifest.optionalDependencies = Object.fromEntries(
  Object.keys(PLATFORMS).map((k) => [packageName(k), version]),
);
fs.writeFileSync(path.join(main, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
fs.chmodSync(path.join(main, 'bin', 'insforge-integrate.js'), 0o755);

// The platform package.
const plat = path.join(stage, packageName(platformKey));
const exe = `insforge-integrate${platform.exe ?? ''}`;
fs.mkdirSync(path.join(plat, 'bin'), { recursive: true });
fs.copyFileSync(binary, path.join(plat, 'bin', exe));
fs.chmodSync(path.join(plat, 'bin', exe), 0o755);
fs.copyFileSync(path.join(repo, 'LICENSE'), path.join(plat, 'LICENSE'));
const platManifest = {
  name: packageName(platformKey),
  version,
  description: `The insforge-integrate binary for ${[platform.os, platform.cpu, platform.libc].filter(Boolean).join(' ')} (${platform.target}). Install insforge-integrate, not this.`,
  license: manifest.license,
  homepage: manifest.homepage,
  repository: manifest.repository,
  bugs: manifest.bugs,
  os: [platform.os],
  cpu: [platform.cpu],
  ...(platform.libc ? { libc: [platform.libc] } : {}),
  files: ['bin/', 'LICENSE'],
  preferUnplugged: true,
};
fs.writeFileSync(path.join(plat, 'package.json'), `${JSON.stringify(platManifest, null, 2)}\n`);
fs.writeFileSync(
  path.join(plat, 'README.md'),
  `# ${platManifest.name}\n\n${platManifest.description}\n`,
);
console.log(main);
console.log(plat);
