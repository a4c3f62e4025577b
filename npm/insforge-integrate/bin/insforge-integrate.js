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

const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit', windowsHide: true });

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
