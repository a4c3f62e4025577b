// Which prebuilt binary this machine runs: one npm package per OS and CPU, each an optional
// dependency of `insforge-integrate` at the same version. npm installs only the one whose
// `os` and `cpu` match. On Linux it is the static musl build, whatever the C library: it
// needs no glibc, so Ubuntu 20.04, Debian 11 and Amazon Linux 2 run it as Alpine does.
'use strict';

const path = require('path');

/** Every platform a binary is built for: package suffix -> what npm and Rust call it. */
const PLATFORMS = {
  'linux-x64-musl': { os: 'linux', cpu: 'x64', target: 'x86_64-unknown-linux-musl' },
  'linux-arm64-musl': { os: 'linux', cpu: 'arm64', target: 'aarch64-unknown-linux-musl' },
  'darwin-x64': { os: 'darwin', cpu: 'x64', target: 'x86_64-apple-darwin' },
  'darwin-arm64': { os: 'darwin', cpu: 'arm64', target: 'aarch64-apple-darwin' },
  'win32-x64': { os: 'win32', cpu: 'x64', target: 'x86_64-pc-windows-msvc', exe: '.exe' },
};

/** The C library of this Linux: glibc when Node reports its runtime version, else musl. */
function libc() {
  if (process.platform !== 'linux') return undefined;
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
  return report?.header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

/** The platform key for an OS and CPU, or null when no binary is built for it. */
function key(os = process.platform, cpu = process.arch) {
  for (const [name, p] of Object.entries(PLATFORMS)) {
    if (p.os === os && p.cpu === cpu) return name;
  }
  return null;
}

function describe(os = process.platform, cpu = process.arch, lib = libc()) {
  return [os, cpu, lib].filter(Boolean).join(' ');
}

function packageName(platformKey) {
  return `insforge-integrate-${platformKey}`;
}

/**
 * The binary to run. INSFORGE_INTEGRATE_BINARY, when set, names one (a build of your own).
 * Throws an Error saying what to do when there is none for this platform.
 */
function binaryPath() {
  const own = process.env.INSFORGE_INTEGRATE_BINARY;
  if (own) return own;
  const found = key();
  if (!found) {
    throw new Error(
      `no prebuilt binary for this platform (${describe()}). Prebuilt: ${Object.keys(PLATFORMS).join(', ')}. ` +
        'Build it with `cargo install insforge-integrate`, then run that, or set INSFORGE_INTEGRATE_BINARY to its path.',
    );
  }
  const name = packageName(found);
  const file = `bin/insforge-integrate${PLATFORMS[found].exe ?? ''}`;
  try {
    return require.resolve(`${name}/${file}`, { paths: [path.join(__dirname, '..')] });
  } catch {
    throw new Error(
      `the package ${name}, which carries the binary for this platform (${describe()}), is not installed. ` +
        'It is an optional dependency of insforge-integrate: reinstall without --no-optional or --omit=optional ' +
        '(`npm install insforge-integrate`, or `npx -y insforge-integrate`), or set INSFORGE_INTEGRATE_BINARY to a binary you built.',
    );
  }
}

module.exports = { PLATFORMS, libc, key, describe, packageName, binaryPath };
