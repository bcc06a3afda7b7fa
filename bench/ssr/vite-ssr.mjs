// Vite 8's side of the SSR benchmark (bench/run-ssr.sh), the counterpart of bench/ssr/main.go: create
// a dev server in middleware mode, import the SSR example's server entry with the ssr environment's
// module runner, render "/" once, then render it in a loop for a fixed time, and write what was
// measured as JSON.
//
//   node bench/ssr/vite-ssr.mjs --root APP --duration 3 --json out.json --html out.html
//
// Times are in milliseconds. since_t0_ms counts from BENCH_T0_NS (nanoseconds since the epoch, set by
// the caller just before it starts the process), so it includes Node's start; the phases count from
// the start of this script, and load_vite_ms is the import of the vite package. Peak RSS is VmHWM from
// /proc, of this process and of its child processes (none are expected).
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'

const mainStart = performance.now()

const args = {
  root: '',
  config: '',
  include: 'react,react/jsx-dev-runtime,react-dom/server', // the ssr environment's optimizeDeps.include
  entry: '/src/entry-server.jsx',
  url: '/',
  warmup: 1,
  duration: 3,
  json: '',
  html: '',
}
for (let i = 2; i < process.argv.length; i++) {
  const k = process.argv[i].replace(/^--?/, '')
  if (!(k in args)) {
    console.error(`vite-ssr.mjs: unknown option ${process.argv[i]}`)
    process.exit(2)
  }
  args[k] = process.argv[++i]
}
args.warmup = Number(args.warmup)
args.duration = Number(args.duration)

const res = {
  tool: 'vite',
  load_vite_ms: 0,
  create_server_ms: 0,
  runner_ms: 0,
  import_ms: 0,
  first_render_ms: 0,
  cold_ms: 0,
  since_t0_ms: 0,
  warmup_renders: 0,
  renders: 0,
  render_seconds: 0,
  renders_per_s: 0,
  import_rss_kb: 0,
  peak_rss_kb: 0,
  child_peak_rss_kb: 0,
  child_processes: 0,
  html_bytes: 0,
}

function vmHWM(pid) {
  try {
    const m = /^VmHWM:\s*(\d+)\s*kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

// peakRSS is the peak resident set size (VmHWM, KiB) of this process and of its child processes
// (summed), and how many children there are.
function peakRSS() {
  let kids = 0
  let n = 0
  for (const pid of children()) {
    const kb = vmHWM(pid)
    if (kb > 0) {
      kids += kb
      n++
    }
  }
  return { self: vmHWM('self'), kids, n }
}

function children() {
  const pids = new Set()
  try {
    for (const t of fs.readdirSync('/proc/self/task')) {
      for (const p of fs.readFileSync(`/proc/self/task/${t}/children`, 'utf8').split(/\s+/)) if (p) pids.add(p)
    }
  } catch {}
  return [...pids]
}

const ms = (a, b) => Math.round((b - a) * 1000) / 1000

let server
let exitCode = 0
try {
  if (!args.root) throw new Error('--root is required')
  let t = performance.now()
  const { createServer } = await import('vite')
  res.load_vite_ms = ms(t, performance.now())

  t = performance.now()
  server = await createServer({
    root: path.resolve(args.root),
    ...(args.config ? { configFile: path.resolve(args.config) } : {}),
    appType: 'custom',
    server: { middlewareMode: true },
    logLevel: 'warn',
    // Vite 8 turns dependency discovery off for server environments (Node imports packages itself),
    // so with the app's ssr.resolve.noExternal: true its runner would evaluate React's CommonJS as
    // ESM and fail ("module is not defined"). The packages the server entry imports are pre-bundled
    // instead, as govite's ssr environment does on its own.
    environments: { ssr: { optimizeDeps: { include: args.include.split(',').filter(Boolean) } } },
  })
  res.create_server_ms = ms(t, performance.now())

  t = performance.now()
  const runner = server.environments.ssr.runner
  res.runner_ms = ms(t, performance.now())

  t = performance.now()
  const mod = await runner.import(args.entry)
  res.import_ms = ms(t, performance.now())

  t = performance.now()
  const html = await mod.render(args.url)
  const now = performance.now()
  res.first_render_ms = ms(t, now)
  res.cold_ms = ms(mainStart, now)
  if (process.env.BENCH_T0_NS) {
    const nowNs = BigInt(Math.round((performance.timeOrigin + now) * 1e6))
    res.since_t0_ms = Number(nowNs - BigInt(process.env.BENCH_T0_NS)) / 1e6
  }
  const r = peakRSS()
  res.import_rss_kb = r.self + r.kids
  if (typeof html !== 'string') throw new Error(`render(${JSON.stringify(args.url)}) returned ${typeof html}, not a string`)
  res.html_bytes = Buffer.byteLength(html)
  if (args.html) fs.writeFileSync(args.html, html)

  if (args.duration > 0) {
    // Warm-up, then the timed loop: one render at a time, each awaited.
    let end = performance.now() + args.warmup * 1000
    while (performance.now() < end) {
      await mod.render(args.url)
      res.warmup_renders++
    }
    const start = performance.now()
    end = start + args.duration * 1000
    let n = 0
    for (;;) {
      await mod.render(args.url)
      n++
      if (performance.now() >= end) break
    }
    res.renders = n
    res.render_seconds = (performance.now() - start) / 1000
    res.renders_per_s = n / res.render_seconds
  }

  const rss = peakRSS()
  res.peak_rss_kb = rss.self
  res.child_peak_rss_kb = rss.kids
  res.child_processes = rss.n
} catch (e) {
  res.error = String(e?.stack || e)
  console.error('vite-ssr.mjs:', e)
  exitCode = 1
}
await server?.close()
const out = JSON.stringify(res, null, 2) + '\n'
if (args.json) fs.writeFileSync(args.json, out)
else process.stdout.write(out)
process.exit(exitCode)
