// The map page: filters, search, side panel and PNG export over vis-network.
// Everything from the data is put in the page as text (textContent), never as
// markup; links in the side panel are only made from http(s) URLs.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var big = data.nodes.length > 1000;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function byId(id) { return document.getElementById(id); }

  // What each entity touches: countries and product categories, for the filters.
  var nodeById = {};
  data.nodes.forEach(function (n) {
    nodeById[n.id] = n;
    n.countries = {};
    n.categories = {};
    if (n.country) { n.countries[n.country] = true; }
    if (n.category) { n.categories[n.category] = true; }
  });
  function spread(fromId, toId) {
    var a = nodeById[fromId], b = nodeById[toId];
    Object.keys(b.countries).forEach(function (c) { a.countries[c] = true; });
    Object.keys(b.categories).forEach(function (c) { a.categories[c] = true; });
  }
  // two rounds: buyer -> transfer -> supplier/product, product -> transfer -> buyer
  for (var round = 0; round < 2; round++) {
    data.edges.forEach(function (e) {
      if (e.rel === "DELIVERED_TO" || e.rel === "LISTED_ON") { spread(e.from, e.to); spread(e.to, e.from); }
      if (e.rel === "SUPPLIER_OF" || e.rel === "INTERMEDIARY_OF" || e.rel === "ITEM_OF" || e.rel === "MAKES") {
        spread(e.from, e.to); spread(e.to, e.from);
      }
    });
  }

  function nodeTip(n) {
    var box = el("div", undefined, "tip");
    box.appendChild(el("b", n.label));
    box.appendChild(el("div", n.kind + (n.country ? " (" + n.country + ")" : "")));
    return box;
  }
  function edgeTip(e) {
    var box = el("div", undefined, "tip");
    box.appendChild(el("b", e.rel + " (" + e.status + ")" + (e.dates ? ", " + e.dates : "")));
    if (e.note) { box.appendChild(el("div", e.note)); }
    var list = el("ol");
    e.citations.forEach(function (c) { list.appendChild(el("li", c.text + (c.url ? " — " + c.url : ""))); });
    box.appendChild(list);
    return box;
  }

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var style = data.styles[n.kind] || {};
    return { id: n.id, label: n.label, title: big ? undefined : nodeTip(n), shape: style.shape,
             color: style.color, font: { size: 12 }, size: n.kind === "Transfer" ? 8 : 12 };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    return { id: i, from: e.from, to: e.to, arrows: "to", title: big ? undefined : edgeTip(e),
             label: big ? undefined : e.rel,
             dashes: data.dashes[e.status] === undefined ? false : data.dashes[e.status],
             font: { size: 8, align: "middle" }, color: { color: "#999", highlight: "#333" } };
  }));

  // Filter state, and the controls that change it.
  var kindsPresent = {}, statusesPresent = {}, countries = {}, categories = {}, minYear = null, maxYear = null;
  data.nodes.forEach(function (n) {
    kindsPresent[n.kind] = true;
    if (n.country) { countries[n.country] = true; }
    if (n.category) { categories[n.category] = true; }
  });
  data.edges.forEach(function (e) {
    statusesPresent[e.status] = true;
    [e.start, e.end].forEach(function (y) {
      if (y !== null) { minYear = minYear === null ? y : Math.min(minYear, y); maxYear = maxYear === null ? y : Math.max(maxYear, y); }
    });
  });
  var state = { kinds: {}, statuses: {}, country: "", category: "", from: minYear, to: maxYear, undated: true };

  function checkbox(container, value, text, colour, target) {
    var label = el("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = value;
    box.addEventListener("change", function () { target[value] = box.checked; apply(); });
    target[value] = true;
    label.appendChild(box);
    if (colour) { var sw = el("span", undefined, "swatch"); sw.style.background = colour; label.appendChild(sw); }
    label.appendChild(document.createTextNode(text));
    container.appendChild(label);
  }
  Object.keys(data.styles).forEach(function (kind) {
    if (kindsPresent[kind]) { checkbox(byId("kinds"), kind, data.styles[kind].label, data.styles[kind].color, state.kinds); }
  });
  var statusText = { confirmed: "confirmed (solid line)", reported: "reported (dashed)", denied: "denied by a party (dotted)" };
  ["confirmed", "reported", "denied"].forEach(function (s) {
    if (statusesPresent[s]) { checkbox(byId("statuses"), s, statusText[s], null, state.statuses); }
  });
  function options(select, values) {
    Object.keys(values).sort().forEach(function (v) { var o = el("option", v); o.value = v; select.appendChild(o); });
    select.addEventListener("change", function () { state[select.id] = select.value; apply(); });
  }
  options(byId("country"), countries);
  options(byId("category"), categories);
  var from = byId("year-from"), to = byId("year-to");
  if (minYear === null) {
    byId("years").style.display = "none";
  } else {
    [from, to].forEach(function (input) { input.min = minYear; input.max = maxYear; });
    from.value = minYear; to.value = maxYear;
    var showYears = function () { byId("year-from-value").textContent = from.value; byId("year-to-value").textContent = to.value; };
    showYears();
    from.addEventListener("input", function () { state.from = Number(from.value); showYears(); apply(); });
    to.addEventListener("input", function () { state.to = Number(to.value); showYears(); apply(); });
  }
  byId("undated").addEventListener("change", function () { state.undated = byId("undated").checked; apply(); });

  var visibleNodes = {}, visibleEdges = {};
  function nodePasses(n) {
    if (!state.kinds[n.kind]) { return false; }
    if (state.country && Object.keys(n.countries).length && !n.countries[state.country]) { return false; }
    if (state.category && Object.keys(n.categories).length && !n.categories[state.category]) { return false; }
    return true;
  }
  function edgePasses(e) {
    if (!state.statuses[e.status]) { return false; }
    if (e.start === null && e.end === null) { return state.undated; }
    var start = e.start === null ? -Infinity : e.start, end = e.end === null ? Infinity : e.end;
    return start <= state.to && end >= state.from;
  }
  function apply() {
    var narrowed = state.country || state.category || state.from !== minYear || state.to !== maxYear || !state.undated;
    data.nodes.forEach(function (n) { visibleNodes[n.id] = nodePasses(n); });
    var degree = {};
    data.edges.forEach(function (e, i) {
      var show = visibleNodes[e.from] && visibleNodes[e.to] && edgePasses(e);
      visibleEdges[i] = show;
      if (show) { degree[e.from] = true; degree[e.to] = true; }
    });
    if (narrowed) {  // an entity left with no visible link says nothing under these filters
      data.nodes.forEach(function (n) { visibleNodes[n.id] = visibleNodes[n.id] && !!degree[n.id]; });
    }
    nodeView.refresh();
    edgeView.refresh();
    byId("shown").textContent = nodeView.length + " of " + data.nodes.length + " entities, " +
      edgeView.length + " of " + data.edges.length + " links shown";
  }
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return visibleNodes[n.id] !== false; } });
  var edgeView = new vis.DataView(edges, { filter: function (e) { return visibleEdges[e.id] !== false; } });

  // The side panel: properties and citations of what was clicked.
  function citationList(citations) {
    var list = el("ol");
    citations.forEach(function (c) {
      var item = el("li");
      if (c.url && /^https?:\/\//.test(c.url)) {
        var a = el("a", c.text || c.url);
        a.setAttribute("href", c.url);
        a.setAttribute("target", "_blank");
        a.setAttribute("rel", "noopener noreferrer");
        item.appendChild(a);
      } else {
        item.textContent = c.text;
      }
      list.appendChild(item);
    });
    return list;
  }
  function show(title, pairs, citations) {
    var panel = byId("panel");
    panel.textContent = "";
    panel.appendChild(el("h2", title));
    var dl = el("dl");
    pairs.forEach(function (p) { dl.appendChild(el("dt", p[0])); dl.appendChild(el("dd", p[1])); });
    panel.appendChild(dl);
    panel.appendChild(el("h2", "Sources"));
    if (citations.length) { panel.appendChild(citationList(citations)); } else { panel.appendChild(el("p", "None on the entity itself; see its links.")); }
  }
  function showNode(id) {
    var n = nodeById[id];
    show(n.label, [["kind", n.kind]].concat(n.details), n.citations);
    if (data.entity_url) {  // in the web explorer: the entity's own page, in the window holding the map
      var a = el("a", "Open the page of " + n.label);
      a.setAttribute("href", data.entity_url + encodeURIComponent(id).replace(/%3A/g, ":"));
      a.setAttribute("target", "_top");
      a.id = "entity-link";
      var p = el("p");
      p.appendChild(a);
      byId("panel").insertBefore(p, byId("panel").children[1]);
    }
  }
  function showEdge(index) {
    var e = data.edges[index];
    var pairs = [["link", nodeById[e.from].label + " —" + e.rel + "→ " + nodeById[e.to].label], ["status", e.status]];
    if (e.dates) { pairs.push(["dates", e.dates]); }
    if (e.note) { pairs.push(["note", e.note]); }
    show(e.rel, pairs, e.citations);
  }

  var network = new vis.Network(byId("network"), { nodes: nodeView, edges: edgeView }, {
    // Large maps: Barnes-Hut with a stabilisation pass sized to the graph (about 4 s for
    // 5,000 entities on two cores, benchmarks/bench_map.py), then frozen.
    physics: big
      ? { solver: "barnesHut", barnesHut: { theta: 0.8 },
          stabilization: { iterations: Math.max(40, Math.round(300000 / data.nodes.length)), updateInterval: 25 } }
      : { solver: "forceAtlas2Based", stabilization: { iterations: 300, updateInterval: 25 } },
    interaction: { hover: !big, tooltipDelay: 150, hideEdgesOnDrag: big },
    // A fixed seed: the same graph always gets the same layout, so a map made again
    // for a correction looks like the one published (and tests can click a node).
    layout: { improvedLayout: data.nodes.length < 300, randomSeed: 20191017 },
    edges: { smooth: big ? false : { type: "continuous" } }
  });
  network.on("beforeDrawing", function (ctx) {  // a white background, for the PNG
    ctx.save(); ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height); ctx.restore();
  });
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: false });  // frozen: large maps stay usable
    window.dualtraceStableMs = performance.now();
  });
  network.on("click", function (params) {
    if (params.nodes.length) { showNode(params.nodes[0]); } else if (params.edges.length) { showEdge(params.edges[0]); }
  });

  // Search: matching names; choosing one selects it, centres on it, opens its details.
  function choose(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    showNode(id);
  }
  byId("search").addEventListener("input", function () {
    var query = byId("search").value.trim().toLowerCase(), box = byId("matches");
    box.textContent = "";
    if (!query) { return; }
    data.nodes.filter(function (n) { return visibleNodes[n.id] !== false && n.label.toLowerCase().indexOf(query) >= 0; })
      .slice(0, 12).forEach(function (n) {
        var row = el("div", n.label);
        row.addEventListener("click", function () { choose(n.id); });
        box.appendChild(row);
      });
  });
  byId("search").addEventListener("keydown", function (event) {
    var first = byId("matches").firstChild;
    if (event.key === "Enter" && first) { first.click(); }
  });

  byId("png").addEventListener("click", function () {
    var canvas = byId("network").querySelector("canvas");
    var a = el("a");
    a.download = (document.title || "map").replace(/[^A-Za-z0-9_-]+/g, "-") + ".png";
    a.href = canvas.toDataURL("image/png");
    document.body.appendChild(a);
    a.click();
    a.remove();
  });

  apply();
  window.dualtraceNetwork = network;
  window.dualtraceChoose = choose;
}());
