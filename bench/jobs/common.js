// Shared pieces of graphile.js and pgboss.js: flags, clocks, polling, and the result line.
// Each benchmark prints progress on stderr and exactly one JSON object on stdout, which
// ../jobs_bench.sh turns into a table row.
"use strict";

const { performance } = require("node:perf_hooks");
const { Client } = require("pg");

// --name value pairs into an object; numbers stay strings until the caller converts them.
function parseFlags(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    if (!(key in defaults) || i + 1 >= argv.length) throw new Error(`unknown or incomplete flag ${argv[i]}`);
    out[key] = typeof defaults[key] === "number" ? Number(argv[i + 1]) : argv[i + 1];
  }
  return out;
}

const nowMs = () => performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (...args) => console.error(...args);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// Waits until each query in `queries` (in turn) returns false, running it every `everyMs`;
// returns the time (nowMs) of the poll that saw the last one false. The queries should be cheap
// (EXISTS on a partial index), since the server under test shares the machine's two cores.
// A separate connection, so the system under test shares nothing with the poller.
async function pollUntilNone(url, queries, { everyMs = 50, timeoutMs = 120000 } = {}) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const deadline = nowMs() + timeoutMs;
    for (const sql of queries) {
      for (;;) {
        const { rows } = await client.query(sql);
        if (!Object.values(rows[0])[0]) break;
        if (nowMs() > deadline) throw new Error(`timed out waiting for: ${sql}`);
        await sleep(everyMs);
      }
    }
    return nowMs();
  } finally {
    await client.end();
  }
}

// The first column of the first row of `sql`, on a connection of its own.
async function scalar(url, sql) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(sql);
    return Object.values(rows[0])[0];
  } finally {
    await client.end();
  }
}

// Gaps between pickup probes: 100-300 ms, varied so that probes do not fall into step with a
// poller's period, and the same sequence on every run.
function* probeGaps() {
  let x = 12345;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2147483648;
    yield 100 + (x % 200);
  }
}

// One enqueue-to-start probe per iteration: `enqueue(seq)` commits one job whose handler calls
// `started(seq)`; returns the median of (handler start - enqueue call returned) in ms, and the
// median time the enqueue call itself took.
async function measurePickup(count, enqueue, startedTimes, log) {
  const gaps = probeGaps();
  const pickups = [];
  const enqueueMs = [];
  for (let seq = 0; seq < count; seq++) {
    await sleep(gaps.next().value);
    const before = nowMs();
    await enqueue(seq);
    const committed = nowMs();
    enqueueMs.push(committed - before);
    const deadline = committed + 10000;
    while (!startedTimes.has(seq)) {
      if (nowMs() > deadline) throw new Error(`pickup probe ${seq} did not start within 10 s`);
      await sleep(1);
    }
    pickups.push(startedTimes.get(seq) - committed);
  }
  log(`pickup ms: min ${Math.min(...pickups).toFixed(2)} median ${median(pickups).toFixed(2)} max ${Math.max(...pickups).toFixed(2)}`);
  return { pickup_ms: median(pickups), enqueue_one_ms: median(enqueueMs) };
}

// Planner statistics, as autovacuum would gather them within a minute of a bulk insert: without
// them a freshly filled queue table can be read with a poor plan (pg-boss: 10x slower).
async function analyze(url) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
}

function emit(result) {
  process.stdout.write(JSON.stringify(result) + "\n");
}

module.exports = { parseFlags, nowMs, sleep, log, median, pollUntilNone, scalar, measurePickup, analyze, emit };
