#!/usr/bin/env node
// Runs the insforge-integrate binary for this platform with the arguments given, passing the
// standard streams through (inherited, so a terminal stays a terminal), forwarding the
// signals this process receives, and exiting as the binary did: with its exit code, or by
// the same signal.
'use strict';

const { spawn } = require('child_process');
const { binaryPath } = require('../lib/platform.js');

let binary;
try {
  binary = binaryPath();
} catch (e) {
  process.stderr.write(`error: ${e.message}\n`);
  process.exit(2);
}

// Node decodes its arguments as UTF-8, so bytes that are not (a path in another encoding)
// arrive as U+FFFD. On Linux the exact bytes are in /proc/self/cmdline: the binary gets them
// in INSFORGE_INTEGRATE_RAW_ARGS (hex, NUL-separated) and uses them in place of the decoded
// ones, so every argument reaches it byte for byte.
function rawArgs(args) {
  if (process.platform !== 'linux' || !args.some((a) => a.includes('\uFFFD'))) return null;
  try {
    const raw = require('fs').readFileSync('/proc/self/cmdline');
    const parts = [];
    let start = 0;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === 0) {
        parts.push(raw.subarray(start, i));
        start = i + 1;
      }
    }
    if (parts.length < args.length) return null;
    const ours = parts.slice(parts.length - args.length);
    const joined = [];
    ours.forEach((part, i) => {
      if (i > 0) joined.push(Buffer.from([0]));
      joined.push(part);
    });
    return Buffer.concat(joined).toString('hex');
  } catch {
    return null;
  }
}

const args = process.argv.slice(2);
const env = { ...process.env };
delete env.INSFORGE_INTEGRATE_RAW_ARGS;
const raw = rawArgs(args);
if (raw !== null) env.INSFORGE_INTEGRATE_RAW_ARGS = raw;

const child = spawn(binary, args, { stdio: 'inherit', windowsHide: true, env });

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGBREAK'];
const handlers = new Map();
for (const signal of SIGNALS) {
  const forward = () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal);
      } catch {
        // The binary is gone already.
      }
    }
  };
  try {
    process.on(signal, forward);
    handlers.set(signal, forward);
  } catch {
    // Not a signal on this OS (SIGBREAK outside Windows, SIGUSR1 on Windows).
  }
}

child.on('error', (e) => {
  process.stderr.write(`error: cannot run ${binary}: ${e.message}\n`);
  process.exit(2);
});

child.on('exit', (code, signal) => {
  if (signal) {
    // Die the way the binary did, so a shell sees the signal (exit 130 for SIGINT).
    for (const [s, h] of handlers) process.removeListener(s, h);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
