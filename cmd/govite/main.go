// Command govite is Vite's command line in Go: govite build, govite preview, with Vite's flags.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tuneGC()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `govite: Vite, rebuilt in Go

Usage:
  govite [dev] [root]     start the dev server
  govite build [root]     build for production
  govite preview [root]   serve the production build locally

Options (as in Vite):
  -c, --config <file>     use the specified config file
  --base <path>           public base path (default: /)
  -l, --logLevel <level>  info | warn | error | silent
  --clearScreen           allow/disable clear screen when logging
  -d, --debug [feat]      show debug logs (all vite:* namespaces, or vite:feat; DEBUG works too)
  -f, --filter <filter>   only debug logs that contain this text
  -m, --mode <mode>       set env mode
  -h, --help              display this message
  -v, --version           display version number

Dev options:
  --host [host]           specify hostname
  --port <port>           specify port (default: 5173)
  --strictPort            exit if specified port is already in use
  --open [path]           open browser on startup
  --cors                  enable CORS for any origin
  --force                 force the optimizer to ignore the cache and re-bundle

Build options:
  --outDir <dir>          output directory (default: dist)
  --assetsDir <dir>       directory under outDir to place assets in (default: assets)
  --assetsInlineLimit <n> static asset base64 inline threshold in bytes (default: 4096)
  --sourcemap [output]    output source maps for build (true, inline, hidden)
  --minify [minifier]     enable/disable minification (default: esbuild)
  --manifest [name]       emit build manifest json
  --ssrManifest [name]    emit ssr manifest json
  --ssr [entry]           build specified entry for server-side rendering
  --emptyOutDir           force empty outDir when it's outside of root
  --target <target>       transpile target (default: baseline-widely-available)
  --app                   build every environment, same as ` + "`builder: {}`" + `

Preview options:
  --host [host]           specify hostname
  --port <port>           specify port (default: 4173)
  --strictPort            exit if specified port is already in use
  --open [path]           open browser on startup
  --outDir <dir>          output directory (default: dist)
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd := args[0]
	switch cmd {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "-v", "--version", "version":
		fmt.Fprintf(stdout, "govite/%s\n", version)
		return 0
	}
	var rest []string
	if strings.HasPrefix(cmd, "-") {
		cmd, rest = "dev", args
	} else {
		rest = args[1:]
	}
	fl, err := parseFlags(rest)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n\n%s", err, usage)
		return 1
	}
	if fl.bool("help") {
		fmt.Fprint(stdout, usage)
		return 0
	}
	switch cmd {
	case "build":
		return runBuild(ctx, fl, stdout, stderr)
	case "preview":
		return runPreview(ctx, fl, stdout, stderr)
	case "dev", "serve":
		return runDev(ctx, fl, os.Stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "error: unknown command %q\n\n%s", cmd, usage)
	return 1
}
