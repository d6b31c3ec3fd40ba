/* The planner's web map, drawn from one data object made by outputs/webmap.py.
 *
 * GD_MAP(map, D): D.layers = [{meta, data}] in drawing order, each meta carrying the layer's
 * title, kind (point/polygon/line), style, symbol, popup fields and legend rows; D.labels city
 * labels; D.search the search index; D.bounds the first view; D.text the words in the chosen
 * language. Every popup value and label is HTML-escaped in Python before it gets here; the
 * symbols are SVG made by outputs/webmap.py itself.
 *
 * - points: one SVG symbol per layer; points sharing a location are spread on a small circle
 *   with a leader line to the true location, so every one of them can be clicked;
 * - a click anywhere lists everything under it (the feature clicked first, then the points
 *   at the same place, lines and every polygon containing the point) in one scrolling popup;
 * - a legend of every layer shown, a collapsed layer control, city labels, a search box.
 */
window.GD_MAP = function (map, D) {
  "use strict";
  var T = D.text;
  if (!document.getElementById("gd-map-css")) {
    var css = document.createElement("style");
    css.id = "gd-map-css";
    css.textContent = D.css;
    document.head.appendChild(css);
  }
  if (map.attributionControl) {
    map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="Leaflet">Leaflet</a>');
  }
  map.createPane("gdLabels");
  map.getPane("gdLabels").style.zIndex = 450;
  map.getPane("gdLabels").style.pointerEvents = "none";

  var items = [];   // {meta, feature, layer, group, latlng (points), pt, line}
  var groups = [];  // {meta, group}

  // --------------------------------------------------------------------- points, spread when stacked
  function key(ll) { return ll.lat.toFixed(5) + "," + ll.lng.toFixed(5); }
  var stackSize = {}, stackSeen = {};
  D.layers.forEach(function (L0) {
    if (L0.meta.kind !== "point") return;
    L0.data.features.forEach(function (f) {
      var c = f.geometry.coordinates, k = key(L.latLng(c[1], c[0]));
      stackSize[k] = (stackSize[k] || 0) + 1;
    });
  });

  function pointIcon(meta, n, i) {
    var r = meta.style.radius || 7, spread = n > 1 ? Math.max(13, 4.5 * n) : 0;
    var a = n > 1 ? 2 * Math.PI * i / n - Math.PI / 2 : 0;
    var dx = spread * Math.cos(a), dy = spread * Math.sin(a);
    var S = 2 * Math.ceil(spread + r + 3), h = S / 2;
    var svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + S + '" height="' + S + '">';
    if (n > 1) {
      svg += '<line x1="' + h + '" y1="' + h + '" x2="' + (h + dx) + '" y2="' + (h + dy) +
        '" stroke="#444" stroke-width="1"/>';
      if (i === 0) svg += '<circle cx="' + h + '" cy="' + h + '" r="2.5" fill="#222"/>';
    }
    svg += '<path class="gd-shape" d="' + meta.symbol + '" transform="translate(' + (h + dx) + " " + (h + dy) +
      ") scale(" + r + ')" fill="' + meta.style.fill + '" stroke="' + meta.style.color +
      '" stroke-width="1.6" vector-effect="non-scaling-stroke"/></svg>';
    return {icon: L.divIcon({className: "gd-pt", html: svg, iconSize: [S, S], iconAnchor: [h, h]}),
            dx: dx, dy: dy, r: r};
  }

  // --------------------------------------------------------------------- what lies under a click
  function ringHas(ring, p) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var a = ring[i], b = ring[j];
      if ((a.lat > p.lat) !== (b.lat > p.lat) &&
          p.lng < (b.lng - a.lng) * (p.lat - a.lat) / (b.lat - a.lat) + a.lng) inside = !inside;
    }
    return inside;
  }
  function polyHas(lls, p) {
    if (!lls.length) return false;
    if (lls[0] instanceof L.LatLng) return ringHas(lls, p);
    if (lls[0][0] instanceof L.LatLng) {
      if (!ringHas(lls[0], p)) return false;
      for (var i = 1; i < lls.length; i++) if (ringHas(lls[i], p)) return false;
      return true;
    }
    return lls.some(function (q) { return polyHas(q, p); });
  }
  function segDist(p, a, b) {
    var dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
    var t = l2 ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2)) : 0;
    return Math.hypot(p.x - a.x - t * dx, p.y - a.y - t * dy);
  }
  function lineNear(layer, cp, tol) {
    var lls = layer.getLatLngs();
    var parts = lls.length && lls[0] instanceof L.LatLng ? [lls] : lls;
    return parts.some(function (part) {
      for (var i = 1; i < part.length; i++) {
        if (segDist(cp, map.latLngToContainerPoint(part[i - 1]), map.latLngToContainerPoint(part[i])) <= tol) return true;
      }
      return false;
    });
  }
  function under(hit, ll) {
    var cp = map.latLngToContainerPoint(ll), pts = [], lines = [], polys = [];
    items.forEach(function (it) {
      if (it === hit || !map.hasLayer(it.group)) return;
      if (it.pt) {
        if (map.latLngToContainerPoint(it.latlng).distanceTo(cp) <= 3) pts.push(it);
      } else if (it.line) {
        if (lineNear(it.layer, cp, 6)) lines.push(it);
      } else if (it.layer.getBounds().contains(ll) && polyHas(it.layer.getLatLngs(), ll)) {
        polys.push(it);
      }
    });
    return [hit].concat(pts, lines, polys.reverse());  // polygons drawn last lie on top: listed first
  }

  function section(it, open) {
    var m = it.meta, p = it.feature.properties;
    var rows = m.fields.filter(function (f) { return f[0] !== m.name && p[f[0]] !== "" && p[f[0]] != null; })
      .map(function (f) { return "<tr><th>" + f[1] + "</th><td>" + p[f[0]] + "</td></tr>"; }).join("");
    return '<details class="gd-item"' + (open ? " open" : "") + "><summary>" + m.swatch +
      '<b class="gd-name">' + (p[m.name] || "") + '</b> <span class="gd-kind">' + m.title + "</span></summary>" +
      "<table>" + rows + "</table></details>";
  }
  function openList(list, ll) {
    var head = list.length > 1 ? '<div class="gd-here">' + T.here.replace("{n}", list.length) + "</div>" : "";
    var html = head + list.map(function (it, i) { return section(it, i === 0); }).join("");
    var h = Math.max(160, Math.min(380, map.getSize().y - 150));
    var popup = L.popup({maxWidth: 400, minWidth: 260, maxHeight: h, className: "gd-popup",
                         autoPanPadding: [16, 16]}).setLatLng(ll).setContent(html).openOn(map);
    // scrolls however many sections the planner opens (Leaflet sizes a popup only when it opens)
    var content = popup.getElement().querySelector(".leaflet-popup-content");
    content.style.maxHeight = h + "px";
    content.style.overflowY = "auto";
  }
  function onClick(e) {
    // the click goes on to the map too, where a page may read it (streamlit-folium's last_clicked)
    var hit = e.target._gd, ll = hit.pt ? hit.latlng : e.latlng;
    openList(under(hit, ll), ll);
  }

  // --------------------------------------------------------------------- layers
  D.layers.forEach(function (L0) {
    var meta = L0.meta, st = meta.style, group = L.featureGroup();
    var layer = L.geoJSON(L0.data, {
      style: function (f) {
        var p = f.properties, s = {color: p._colour || st.color, weight: p._weight || st.weight,
                                   opacity: 0.95, fill: meta.kind === "polygon",
                                   fillColor: p._fill || p._colour || st.fill || st.color,
                                   fillOpacity: st.fill_opacity};
        if (st.dash) s.dashArray = st.dash;
        return s;
      },
      pointToLayer: function (f, ll) {
        var k = key(ll), n = stackSize[k] || 1, i = stackSeen[k] || 0;
        stackSeen[k] = i + 1;
        var ic = pointIcon(meta, n, i), mk = L.marker(ll, {icon: ic.icon, riseOnHover: true, keyboard: false});
        mk._gdOffset = [ic.dx, ic.dy];
        return mk;
      },
      onEachFeature: function (f, lyr) {
        var it = {meta: meta, feature: f, layer: lyr, group: group, pt: meta.kind === "point",
                  line: meta.kind === "line"};
        if (it.pt) it.latlng = lyr.getLatLng();
        lyr._gd = it;
        items.push(it);
        var name = f.properties[meta.name];
        if (name) {
          var opts = it.pt ? {direction: "top", offset: [lyr._gdOffset[0], lyr._gdOffset[1] - 6]} : {sticky: true};
          lyr.bindTooltip(name, opts);
        }
        lyr.on("click", onClick);
      }
    });
    layer.addTo(group);
    if (meta.show) group.addTo(map);
    groups.push({meta: meta, group: group});
  });

  // city labels at province zoom
  var labels = L.layerGroup(D.labels.map(function (c) {
    return L.marker([c[0], c[1]], {pane: "gdLabels", interactive: false, keyboard: false,
      icon: L.divIcon({className: "gd-label", html: "<span>" + c[2] + "</span>", iconSize: [0, 0]})});
  }));
  function labelZoom() {
    if (map.getZoom() >= 6.5) { if (!map.hasLayer(labels)) labels.addTo(map); }
    else if (map.hasLayer(labels)) map.removeLayer(labels);
  }
  map.on("zoomend", labelZoom);

  // --------------------------------------------------------------------- legend
  var legendOpen = !D.legend_collapsed;
  var legend = L.control({position: "bottomright"});
  function drawLegend(div) {
    var rows = groups.filter(function (g) { return map.hasLayer(g.group); }).map(function (g) {
      var sub = (g.meta.legend || []).map(function (r) {
        return '<div class="gd-sub">' + r[0] + "<span>" + r[1] + "</span></div>";
      }).join("");
      return '<div class="gd-row">' + g.meta.swatch + "<span>" + g.meta.title + "</span></div>" + sub;
    }).join("");
    div.innerHTML = "<details" + (legendOpen ? " open" : "") + "><summary>" + T.legend + "</summary>" +
      '<div class="gd-legend-body">' + (rows || "<i>" + T.empty + "</i>") + "</div></details>";
    div.firstChild.addEventListener("toggle", function () { legendOpen = div.firstChild.open; });
  }
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "gd-legend");
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    drawLegend(div);
    return div;
  };
  legend.addTo(map);
  map.on("overlayadd overlayremove", function () { drawLegend(legend.getContainer()); });
  // an open popup comes first: the legend folds while it is open and unfolds after
  var foldedForPopup = false;
  map.on("popupopen", function () {
    if (legendOpen) { legendOpen = false; foldedForPopup = true; drawLegend(legend.getContainer()); }
  });
  map.on("popupclose", function () {
    if (foldedForPopup) { legendOpen = true; foldedForPopup = false; drawLegend(legend.getContainer()); }
  });

  // --------------------------------------------------------------------- layer control, collapsed
  if (D.control && groups.length) {
    var named = {};
    groups.forEach(function (g) { named['<span class="gd-ctl">' + g.meta.swatch + g.meta.title + "</span>"] = g.group; });
    L.control.layers(null, named, {collapsed: true, position: "topright"}).addTo(map);
  }

  // --------------------------------------------------------------------- search
  var mark = null;
  function norm(s) { return String(s).toLowerCase().replace(/[\s'’·,，()（）\-]/g, ""); }
  function find(q) {
    q = norm(q);
    if (!q) return [];
    var hits = D.search.filter(function (e) { return e[1].indexOf(q) >= 0; });
    hits.sort(function (a, b) {
      var sa = a[1].indexOf(q) === 0 ? 0 : 1, sb = b[1].indexOf(q) === 0 ? 0 : 1;
      return sa - sb || a[0].length - b[0].length;
    });
    return hits.slice(0, 8);
  }
  function go(e) {
    var b = e[2], bounds = L.latLngBounds([b[0], b[1]], [b[2], b[3]]);
    if (mark) map.removeLayer(mark);
    if (b[0] === b[2] && b[1] === b[3]) {
      map.setView(bounds.getCenter(), Math.max(map.getZoom(), 11), {animate: false});
      mark = L.circleMarker(bounds.getCenter(), {radius: 16, color: "#e7298a", weight: 3, fill: false,
                                                 interactive: false}).addTo(map);
    } else {
      map.fitBounds(bounds, {maxZoom: 11, padding: [24, 24], animate: false});
      mark = L.rectangle(bounds, {color: "#e7298a", weight: 2, fill: false, dashArray: "6 4",
                                  interactive: false}).addTo(map);
    }
    map._gdFound = e[0];
  }
  if (D.search.length) {
    var search = L.control({position: "topleft"});
    search.onAdd = function () {
      var div = L.DomUtil.create("div", "gd-search");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var input = L.DomUtil.create("input", "", div), list = L.DomUtil.create("ul", "", div);
      input.type = "search";
      input.placeholder = T.search;
      input.setAttribute("aria-label", T.search);
      var hits = [];
      function show() {
        hits = find(input.value);
        list.innerHTML = "";
        hits.forEach(function (e) {
          var li = document.createElement("li");
          li.textContent = e[0];
          li.addEventListener("mousedown", function (ev) { ev.preventDefault(); go(e); list.innerHTML = ""; });
          list.appendChild(li);
        });
        if (input.value && !hits.length) {
          var li = document.createElement("li");
          li.className = "gd-none";
          li.textContent = T.no_match;
          list.appendChild(li);
        }
      }
      input.addEventListener("input", show);
      input.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" && hits.length) { go(hits[0]); list.innerHTML = ""; }
        if (ev.key === "Escape") { list.innerHTML = ""; }
      });
      input.addEventListener("blur", function () { setTimeout(function () { list.innerHTML = ""; }, 150); });
      return div;
    };
    search.addTo(map);
  }

  // --------------------------------------------------------------------- images on GCJ-02 tiles
  // Layers drawn here come shifted from Python; an image another module adds to the map (a raster
  // overlay) is moved here, its corners by the GCJ-02 offset interpolated on D.gcj's grid.
  function gcjShift(ll) {
    var g = D.gcj, fx = (ll.lng - g.lon0) / g.step, fy = (ll.lat - g.lat0) / g.step;
    var x = Math.max(0, Math.min(g.nx - 2, Math.floor(fx))), y = Math.max(0, Math.min(g.ny - 2, Math.floor(fy)));
    var tx = Math.max(0, Math.min(1, fx - x)), ty = Math.max(0, Math.min(1, fy - y));
    function at(a) {
      return (a[y][x] * (1 - tx) + a[y][x + 1] * tx) * (1 - ty) + (a[y + 1][x] * (1 - tx) + a[y + 1][x + 1] * tx) * ty;
    }
    return L.latLng(ll.lat + at(g.dlat), ll.lng + at(g.dlon));
  }
  if (D.gcj) {
    map.on("layeradd", function (e) {
      var lyr = e.layer;
      if (lyr instanceof L.ImageOverlay && !lyr._gdShifted) {
        var b = lyr.getBounds();
        lyr._gdShifted = true;
        lyr.setBounds(L.latLngBounds(gcjShift(b.getSouthWest()), gcjShift(b.getNorthEast())));
      }
    });
  }

  // --------------------------------------------------------------------- first view: the province
  // (room kept beside it for the open legend where the map is wide enough, so the legend hides
  // no part of the province, Chaoshan included)
  if (D.bounds) {
    var room = legendOpen ? legend.getContainer().offsetWidth + 14 : 0;
    if (map.getSize().x - room < 420) room = 0;
    map.fitBounds(D.bounds, {paddingTopLeft: [8, 8], paddingBottomRight: [8 + room, 8], animate: false});
  }
  labelZoom();
  map._gdItems = items;
  map._gdSearch = function (q) { var h = find(q); if (h.length) go(h[0]); return h.map(function (e) { return e[0]; }); };
  window.gdMap = map;
};
