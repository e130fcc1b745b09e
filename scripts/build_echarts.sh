#!/usr/bin/env bash
# Rebuild the two ECharts files of linli/static/vendor/echarts/ from npm echarts@5.5.1, each
# with only the charts and components our pages draw (the full dist build is 1 MB, 271 KB
# with brotli; a cold home page at 400 kbit/s depends on it: tests/browser/test_throttled.py):
#
#   charts/echarts.min.js  bars (stacked), lines, the 100 % target line, tooltips, legends:
#                          the home page's cards and the visit-rate page (linli/charts.js)
#   echarts.min.js         all of the above and the maps: a choropleth (map + visualMap), and
#                          points with their circles on a geo (scatter, custom; linli/maps.js)
#
# ECharts' own way of a smaller build (echarts.apache.org, "Import ECharts on demand"): its ES
# modules, `echarts.use([...])` of the parts needed, bundled with rollup and minified with
# terser. Needs node and npm (the registry); nothing of it is needed at run time.
#
# A page that needs another series or component (the console says "Unknown series …" or
# "Component … is used but not imported"): add it below and run this again.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/linli/static/vendor/echarts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund echarts@5.5.1 rollup@4.68.9 \
  @rollup/plugin-node-resolve@16.0.3 @rollup/plugin-terser@1.0.2 @rollup/plugin-replace@6.0.3

cat > charts.js <<'EOF'
import { use } from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, TooltipComponent, LegendPlainComponent, MarkLineComponent }
  from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
use([BarChart, LineChart, GridComponent, TooltipComponent, LegendPlainComponent,
     MarkLineComponent, CanvasRenderer]);
// Only what linli/charts.js (and a test) calls: the rest of echarts/core's API is left out.
export { init, getInstanceByDom } from "echarts/core";
EOF

cat > all.js <<'EOF'
import { use } from "echarts/core";
import { BarChart, LineChart, MapChart, ScatterChart, CustomChart } from "echarts/charts";
import { GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, GeoComponent,
         VisualMapComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
use([BarChart, LineChart, MapChart, ScatterChart, CustomChart, GridComponent,
     TooltipComponent, LegendComponent, MarkLineComponent, GeoComponent, VisualMapComponent,
     CanvasRenderer]);
export * from "echarts/core";
EOF

cat > rollup.config.mjs <<'EOF'
import resolve from "@rollup/plugin-node-resolve";
import replace from "@rollup/plugin-replace";
import terser from "@rollup/plugin-terser";
const build = (input, file, parts) => ({
  input,
  output: { file, format: "umd", name: "echarts",
            banner: `/*! ECharts 5.5.1 (Apache-2.0) with ${parts} only: scripts/build_echarts.sh */` },
  plugins: [
    replace({ preventAssignment: true,
              values: { "process.env.NODE_ENV": JSON.stringify("production") } }),
    resolve(),
    terser({ format: { comments: /^!/ } }),
  ],
});
export default [
  build("charts.js", "out/charts/echarts.min.js", "bar, line, grid, tooltip, plain legend, markLine"),
  build("all.js", "out/echarts.min.js",
        "bar, line, map, scatter, custom, grid, tooltip, legend, markLine, geo, visualMap"),
];
EOF
npx rollup -c --silent
mkdir -p "$out/charts"
cp out/echarts.min.js "$out/echarts.min.js"
cp out/charts/echarts.min.js "$out/charts/echarts.min.js"
cp node_modules/echarts/LICENSE node_modules/echarts/NOTICE "$out/"
wc -c "$out/echarts.min.js" "$out/charts/echarts.min.js"
