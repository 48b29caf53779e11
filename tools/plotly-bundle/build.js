// Builds static/plotly-lab.min.js: plotly.js (npm, the version the plotly Python package writes
// its figures for) with only the trace types the lab draws (entry.js), in the way plotly.js
// builds its own bundles (its esbuild-config.js: an IIFE setting window.Plotly, CSS inlined).
//
//     cd tools/plotly-bundle && npm ci --ignore-scripts && npm run build
//
// Why not the published "cartesian" bundle: it holds eight trace types the lab never draws,
// and on a 2-core machine the browser took ~0.49 s to load and run it against ~0.20 s for
// this one: the wait between a link opening and its charts (docs/DECISIONS.md, "Charts on
// Plotly"). tests/ui/test_canvas.py checks the version and that every trace type is in.
const esbuild = require('esbuild');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { version } = require('plotly.js/package.json');

esbuild.build({
  entryPoints: ['entry.js'],
  outfile: process.argv[2] || 'plotly-lab.min.js',
  format: 'iife',
  globalName: 'Plotly',
  bundle: true,
  minify: true,
  sourcemap: false,
  plugins: [InlineCSSPlugin(), environmentPlugin({ NODE_DEBUG: false })],
  define: { global: 'window', 'define.amd': 'false' },
  target: 'es2016',
  banner: { js: `/**\n* plotly.js (lab: scatter, bar, image - minified) v${version}\n`
                + '* Copyright 2012-2026, Plotly, Inc.\n* All rights reserved.\n'
                + '* Licensed under the MIT license\n*/' },
}).then(() => console.log(`built plotly.js ${version}`)).catch((err) => {
  console.error(err);
  process.exit(1);
});
