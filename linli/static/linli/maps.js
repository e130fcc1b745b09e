// The map pages: the county's care network (care/map.html) and the province choropleth
// (regions/map.html). Each [data-map] element names, in data-map-spec, the
// <script type="application/json"> the server wrote its data into (the CSP runs no inline
// script); the boundaries are a static GeoJSON file fetched from the URL in that data.
(function () {
  "use strict";

  var GREEN = "#198754", ORANGE = "#fd7e14", GREY = "#6c757d", RED = "#dc3545";

  function points(rows) {
    return rows.map(function (p) {
      return { name: p[2], value: [p[0], p[1]], detail: p[3] || "" };
    });
  }

  // Only the features drawing the asked regions (a county out of its prefecture's file).
  function keep(geojson, codes) {
    if (!codes || !codes.length) return geojson;
    return {
      type: "FeatureCollection",
      features: geojson.features.filter(function (f) {
        return (f.properties.codes || []).some(function (c) {
          return codes.some(function (k) { return c === k || c.indexOf(k) === 0 || k.indexOf(c) === 0; });
        });
      })
    };
  }

  // The service radius around each point, as a polygon in the map's own coordinates.
  function circles(name, rows, meters, color, fill) {
    return {
      type: "custom", name: name, coordinateSystem: "geo", silent: true, z: 1,
      itemStyle: { color: color }, data: points(rows),
      renderItem: function (params, api) {
        var lon = api.value(0), lat = api.value(1), ring = [];
        var dLat = meters / 111320, dLon = meters / (111320 * Math.cos(lat * Math.PI / 180));
        for (var i = 0; i < 48; i++) {
          var a = 2 * Math.PI * i / 48;
          ring.push(api.coord([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]));
        }
        return { type: "polygon", shape: { points: ring },
                 style: { fill: fill, stroke: color, lineWidth: 1 } };
      }
    };
  }

  function scatter(name, rows, color, size, symbol) {
    return { type: "scatter", name: name, coordinateSystem: "geo", data: points(rows), z: 3,
             symbol: symbol || "circle", symbolSize: size, itemStyle: { color: color } };
  }

  function networkOption(spec) {
    var s = spec.series, selected = {};
    selected[s.canteen_circle] = false;  // coverage counts facilities only: their circles first
    return {
      tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) {
        return p.data && p.data.name ? p.data.name + (p.data.detail ? " · " + p.data.detail : "") : "";
      } },
      legend: { top: 4, left: 4, right: 4, type: "scroll", selected: selected,
                data: [s.facility, s.facility_circle, s.canteen, s.canteen_circle, s.covered, s.uncovered] },
      geo: { map: spec.map, roam: true, top: 44, bottom: 8, label: { show: false },
             itemStyle: { areaColor: "#f8f9fa", borderColor: "#495057" },
             emphasis: { disabled: true } },
      series: [
        circles(s.facility_circle, spec.facilities, spec.meters, GREEN, "rgba(25,135,84,0.12)"),
        circles(s.canteen_circle, spec.canteens, spec.meters, ORANGE, "rgba(253,126,20,0.10)"),
        scatter(s.covered, spec.covered, GREY, 5),
        scatter(s.uncovered, spec.uncovered, RED, 9),
        scatter(s.canteen, spec.canteens, ORANGE, 10, "diamond"),
        scatter(s.facility, spec.facilities, GREEN, 9)
      ]
    };
  }

  function choroplethOption(spec) {
    var unit = spec.percent ? "%" : "";
    function shown(v) {
      return v === undefined || v === null || isNaN(v) ? "—" : v.toLocaleString("zh-CN") + unit;
    }
    return {
      tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) {
        return p.name + ": " + shown(p.value);
      } },
      visualMap: { type: "continuous", min: spec.min, max: spec.max, orient: "horizontal",
                   left: "center", bottom: 6, itemHeight: 160, itemWidth: 12,
                   text: [spec.labels.high + " " + shown(spec.max), shown(spec.min) + " " + spec.labels.low],
                   calculable: false,
                   inRange: { color: ["#e7f1ff", "#6ea8fe", "#0a58ca", "#052c65"] } },
      series: [{ type: "map", map: spec.map, name: spec.series, roam: true, data: spec.data,
                 top: 8, bottom: 44, label: { show: true, fontSize: 10, textBorderColor: "#ffffff", textBorderWidth: 2 },
                 itemStyle: { areaColor: "#f1f3f5", borderColor: "#ffffff" },
                 emphasis: { label: { show: true } } }]
    };
  }

  document.querySelectorAll("[data-map]").forEach(function (el) {
    var source = document.getElementById(el.dataset.mapSpec);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    fetch(spec.geo, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (geojson) {
        echarts.registerMap(spec.map, keep(geojson, spec.keep));
        var chart = echarts.init(el);
        chart.setOption(el.dataset.map === "network" ? networkOption(spec) : choroplethOption(spec));
        el.dataset.drawn = "true";
        window.addEventListener("resize", function () { chart.resize(); });
      })
      .catch(function () {
        el.classList.add("map-failed");
        el.textContent = el.dataset.failed || "";
      });
  });
})();
