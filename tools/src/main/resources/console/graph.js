// A state machine's top-level states as a layered SVG graph (ranked by the longest path from StartAt), marked
// with the execution's state statuses, and the same states as an accessible list.
import {h, s} from './dom.js';

const NODE_HEIGHT = 46;
const LAYER_GAP = 40;
const NODE_GAP = 28;
const DUMMY_GAP = 14;
const MARGIN = 16;
const EDGE_KINDS = ['next', 'choice', 'default', 'catch'];
const CATCH_WEIGHT = 0.1;

/** The top-level transitions of a definition: Next, Choices[].Next, Default, Catch[].Next (to known states). */
export function transitions(definition) {
  const states = definition?.States ?? {};
  const edges = [];
  const seen = new Map();
  const add = (from, to, kind) => {
    if (typeof to !== 'string' || !(to in states) || to === from) return;
    const key = `${from}\u0000${to}`;
    const known = seen.get(key);
    if (known) {
      if (EDGE_KINDS.indexOf(kind) < EDGE_KINDS.indexOf(known.kind)) known.kind = kind;
      return;
    }
    const edge = {from, to, kind};
    seen.set(key, edge);
    edges.push(edge);
  };
  for (const [name, state] of Object.entries(states)) {
    add(name, state.Next, 'next');
    for (const choice of state.Choices ?? []) add(name, choice.Next, 'choice');
    add(name, state.Default, 'default');
    for (const katch of state.Catch ?? []) add(name, katch.Next, 'catch');
  }
  return edges;
}

export function isTerminal(state) {
  return state.Type === 'Succeed' || state.Type === 'Fail' || state.End === true;
}

function nodeWidth(name, subtitle) {
  return Math.max(100, Math.ceil(name.length * 8.4 + 48), Math.ceil(subtitle.length * 6.6 + 28));
}

function subtitleOf(state) {
  if (state.Type === 'Succeed' || state.Type === 'Fail') return `${state.Type} · end`;
  return state.End === true ? `${state.Type} · end` : String(state.Type ?? 'State');
}

/** Depth-first from StartAt (then any state not reached): the edges that close a cycle are the back edges. */
function findBackEdges(names, start, outgoing) {
  const back = new Set();
  const visit = new Map(); // name → 1 on the stack, 2 done
  const discovery = [];
  const dfs = (name) => {
    visit.set(name, 1);
    discovery.push(name);
    for (const edge of outgoing.get(name)) {
      const mark = visit.get(edge.to);
      if (mark === 1) back.add(edge);
      else if (mark === undefined) dfs(edge.to);
    }
    visit.set(name, 2);
  };
  if (names.includes(start)) dfs(start);
  for (const name of names) if (!visit.has(name)) dfs(name);
  return {back, discovery};
}

/** Ranks by the longest path over the acyclic edges (Kahn's order). */
function rankNodes(names, forward) {
  const rank = new Map(names.map((name) => [name, 0]));
  const indegree = new Map(names.map((name) => [name, 0]));
  for (const [, to] of forward) indegree.set(to, indegree.get(to) + 1);
  const ready = names.filter((name) => indegree.get(name) === 0);
  while (ready.length) {
    const name = ready.shift();
    for (const [from, to] of forward) {
      if (from !== name) continue;
      rank.set(to, Math.max(rank.get(to), rank.get(from) + 1));
      indegree.set(to, indegree.get(to) - 1);
      if (indegree.get(to) === 0) ready.push(to);
    }
  }
  return rank;
}

/**
 * The layout of a definition: nodes with centre x/y and size, edges with their points (through a slot in each
 * layer they cross; catch edges to the same state share their slots, so they join into one line).
 */
export function layout(definition) {
  const states = definition?.States ?? {};
  const names = Object.keys(states);
  const edges = transitions(definition);
  const outgoing = new Map(names.map((name) => [name, []]));
  const byKind = (a, b) => EDGE_KINDS.indexOf(a.kind) - EDGE_KINDS.indexOf(b.kind);
  for (const edge of [...edges].sort(byKind)) outgoing.get(edge.from).push(edge);
  const {back, discovery} = findBackEdges(names, definition?.StartAt, outgoing);

  // the acyclic edges to lay out: a back edge is laid out reversed
  for (const edge of edges) {
    edge.back = back.has(edge);
    [edge.upper, edge.lower] = edge.back ? [edge.to, edge.from] : [edge.from, edge.to];
  }
  const rank = rankNodes(names, edges.map((edge) => [edge.upper, edge.lower]));

  const nodes = new Map();
  for (const name of discovery) {
    const state = states[name];
    const subtitle = subtitleOf(state);
    nodes.set(name, {
      id: name, name, dummy: false, type: String(state.Type ?? ''), subtitle, terminal: isTerminal(state),
      rank: rank.get(name), width: nodeWidth(name, subtitle), height: NODE_HEIGHT,
    });
  }

  // slots for the layers an edge crosses, and the segments between consecutive layers
  const segments = new Map();
  const link = (a, b, weight) => segments.set(`${a}\u0000${b}`, [a, b, Math.max(weight, segments.get(`${a}\u0000${b}`)?.[2] ?? 0)]);
  edges.forEach((edge, index) => {
    const top = rank.get(edge.upper);
    const bottom = rank.get(edge.lower);
    edge.chain = [edge.upper];
    for (let r = top + 1; r < bottom; r++) {
      const id = edge.kind === 'catch' && !edge.back ? `\u0001catch:${edge.lower}:${r}` : `\u0001edge:${index}:${r}`;
      if (!nodes.has(id)) nodes.set(id, {id, dummy: true, rank: r, width: 0, height: 0});
      edge.chain.push(id);
    }
    edge.chain.push(edge.lower);
    // the main flow pulls harder than the catch edges, which would drag every state towards the failure states
    const weight = edge.kind === 'catch' ? CATCH_WEIGHT : 1;
    for (let i = 1; i < edge.chain.length; i++) link(edge.chain[i - 1], edge.chain[i], weight);
  });

  // layers, ordered by barycentres of the neighbours (a few sweeps down and up)
  const depth = Math.max(0, ...[...nodes.values()].map((node) => node.rank)) + 1;
  const layers = Array.from({length: depth}, () => []);
  for (const node of nodes.values()) layers[node.rank].push(node);
  const above = new Map([...nodes.keys()].map((id) => [id, []]));
  const below = new Map([...nodes.keys()].map((id) => [id, []]));
  for (const [a, b, weight] of segments.values()) {
    below.get(a).push({id: b, weight});
    above.get(b).push({id: a, weight});
  }
  const mean = (near, at) => near.reduce((sum, n) => sum + n.weight * at(n.id), 0) / near.reduce((sum, n) => sum + n.weight, 0);
  const position = new Map();
  const index = () => layers.forEach((layer) => layer.forEach((node, i) => position.set(node.id, i)));
  index();
  const reorder = (layer, neighbours) => {
    const keyed = layer.map((node, i) => {
      const near = neighbours.get(node.id);
      const centre = near.length ? mean(near, (id) => position.get(id)) : i;
      return {node, centre, i};
    });
    keyed.sort((a, b) => a.centre - b.centre || a.i - b.i);
    layer.splice(0, layer.length, ...keyed.map((k) => k.node));
    layer.forEach((node, i) => position.set(node.id, i));
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    for (let r = 1; r < depth; r++) reorder(layers[r], above);
    for (let r = depth - 2; r >= 0; r--) reorder(layers[r], below);
  }

  // x: each node near the mean of its neighbours, layers packed without overlap
  const gap = (a, b) => (a.width + b.width) / 2 + (a.dummy || b.dummy ? DUMMY_GAP : NODE_GAP);
  for (const layer of layers) {
    let x = 0;
    layer.forEach((node, i) => {
      if (i > 0) x += gap(layer[i - 1], node);
      node.x = x;
    });
    const middle = x / 2;
    for (const node of layer) node.x -= middle;
  }
  const place = (layer, neighbours) => {
    const wanted = layer.map((node) => {
      const near = neighbours.get(node.id);
      return near.length ? mean(near, (id) => nodes.get(id).x) : node.x;
    });
    // pushed right from the left and left from the right; their mean keeps the order and the gaps of both
    const fromLeft = [];
    layer.forEach((node, i) => {
      fromLeft[i] = i === 0 ? wanted[0] : Math.max(wanted[i], fromLeft[i - 1] + gap(layer[i - 1], node));
    });
    const fromRight = [];
    for (let i = layer.length - 1; i >= 0; i--) {
      fromRight[i] = i === layer.length - 1 ? wanted[i] : Math.min(wanted[i], fromRight[i + 1] - gap(layer[i], layer[i + 1]));
    }
    layer.forEach((node, i) => {
      node.x = (fromLeft[i] + fromRight[i]) / 2;
    });
  };
  for (let sweep = 0; sweep < 6; sweep++) {
    for (let r = 1; r < depth; r++) place(layers[r], above);
    for (let r = depth - 2; r >= 0; r--) place(layers[r], below);
  }
  const all = [...nodes.values()];
  const left = Math.min(...all.map((node) => node.x - node.width / 2));
  const right = Math.max(...all.map((node) => node.x + node.width / 2));
  for (const node of all) {
    node.x = Math.round(node.x - left + MARGIN);
    node.y = MARGIN + node.rank * (NODE_HEIGHT + LAYER_GAP) + NODE_HEIGHT / 2;
  }

  // edge points: leave a node at its bottom, enter at its top; a back edge climbs on the right of both ends
  for (const edge of edges) {
    const points = edge.chain.map((id) => ({x: nodes.get(id).x, y: nodes.get(id).y}));
    const first = nodes.get(edge.chain[0]);
    const last = nodes.get(edge.chain[edge.chain.length - 1]);
    const offset = (node) => (edge.back ? node.width / 4 : 0);
    points[0] = {x: first.x + offset(first), y: first.y + first.height / 2};
    points[points.length - 1] = {x: last.x + offset(last), y: last.y - last.height / 2};
    edge.points = edge.back ? points.reverse() : points;
  }

  const shown = discovery.map((name) => nodes.get(name));
  shown.sort((a, b) => a.rank - b.rank || position.get(a.id) - position.get(b.id));
  return {
    nodes: shown,
    edges,
    width: Math.ceil(right - left + 2 * MARGIN),
    height: Math.ceil(depth * (NODE_HEIGHT + LAYER_GAP) - LAYER_GAP + 2 * MARGIN),
  };
}

function pathOf(points) {
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    const bend = (b.y - a.y) / 2;
    d += ` C${a.x},${a.y + bend} ${b.x},${b.y - bend} ${b.x},${b.y}`;
  }
  return d;
}

const MARKS = {
  current: {symbol: '▶', word: 'running'},
  failed: {symbol: '✗', word: 'failed'},
  caught: {symbol: '⚠', word: 'failed, caught'},
  succeeded: {symbol: '✓', word: 'succeeded'},
  none: {symbol: '○', word: 'not entered'},
};

const STATUS_CLASS = {running: 'current', failed: 'failed', caught: 'caught', succeeded: 'succeeded'};

/** The mark of a state: current (running), failed, caught, succeeded, or none (not entered). */
export function markOf(name, execution) {
  if (execution.failed === name) return 'failed';
  if ((execution.current ?? []).includes(name)) return 'current';
  return STATUS_CLASS[execution.states?.[name]?.status] ?? 'none';
}

let graphIds = 0;

/** The graph as an SVG: one g[data-state] per top-level state with its mark as a class and a symbol. */
export function stateGraph(definition, execution = {}, label = 'State machine') {
  const id = `graph-${++graphIds}`;
  if (!Object.keys(definition?.States ?? {}).length) {
    return s('svg', {'data-testid': 'state-graph', class: 'state-graph', role: 'img', 'aria-labelledby': `${id}-title`, viewBox: '0 0 320 40', width: 320, height: 40},
      s('title', {id: `${id}-title`}, `${label}: no definition`),
      s('text', {x: 10, y: 25}, 'The state machine\'s definition has no states.'));
  }
  const {nodes, edges, width, height} = layout(definition);
  const markers = s('defs', {},
    ['next', 'catch', 'back'].map((kind) => s('marker', {
      id: `${id}-arrow-${kind}`, class: `arrow arrow-${kind}`, viewBox: '0 0 10 10', refX: '9', refY: '5',
      markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse',
    }, s('path', {d: 'M0,0 L10,5 L0,10 z'}))));
  const lines = edges.map((edge) => {
    const kind = edge.back ? 'back' : edge.kind === 'catch' ? 'catch' : 'next';
    return s('path', {
      class: ['edge', `edge-${edge.kind}`, edge.back ? 'edge-back' : null], d: pathOf(edge.points),
      'marker-end': `url(#${id}-arrow-${kind})`, 'data-from': edge.from, 'data-to': edge.to,
    }, s('title', {}, `${edge.from} → ${edge.to} (${edge.kind})`));
  });
  const boxes = nodes.map((node) => {
    const mark = markOf(node.name, execution);
    const entered = execution.states?.[node.name]?.entered;
    const x = node.x - node.width / 2;
    const y = node.y - node.height / 2;
    return s('g', {
      'data-state': node.name, transform: `translate(${x},${y})`,
      class: ['node', `type-${node.type.toLowerCase()}`, node.terminal ? 'terminal' : null, mark === 'none' ? null : mark],
    },
    s('title', {}, `${node.name} (${node.subtitle}): ${MARKS[mark].word}${entered ? `, entered ${entered}×` : ''}`),
    s('rect', {class: 'box', width: node.width, height: node.height, rx: node.type === 'Choice' ? 14 : 5}),
    node.terminal ? s('rect', {class: 'inner', x: 3, y: 3, width: node.width - 6, height: node.height - 6, rx: 3}) : null,
    s('text', {class: 'name', x: 10, y: 19}, node.name),
    s('text', {class: 'subtitle', x: 10, y: 36}, node.subtitle),
    s('text', {class: 'symbol', x: node.width - 10, y: 20, 'text-anchor': 'end'}, mark === 'none' ? '' : MARKS[mark].symbol));
  });
  return s('svg', {
    'data-testid': 'state-graph', class: 'state-graph', role: 'img', 'aria-labelledby': `${id}-title`,
    viewBox: `0 0 ${width} ${height}`, width, height,
  }, s('title', {id: `${id}-title`}, `${label}: its states as a graph (the list beside it says the same)`),
  markers, s('g', {class: 'edges'}, lines), s('g', {class: 'nodes'}, boxes));
}

/** The same states as a list, in the graph's order, each with its mark in words. */
export function stateList(definition, execution = {}) {
  const {nodes} = layout(definition);
  return h('ul', {'data-testid': 'state-list', class: 'state-list'}, nodes.map((node) => {
    const mark = markOf(node.name, execution);
    const entered = execution.states?.[node.name]?.entered;
    return h('li', {'data-state': node.name, class: mark === 'none' ? 'none' : mark},
      h('span', {class: 'symbol', 'aria-hidden': 'true'}, MARKS[mark].symbol),
      ' ', h('span', {class: 'state-name'}, node.name), ' ',
      h('span', {class: 'state-type'}, node.subtitle), ' — ',
      h('span', {class: 'state-status'}, MARKS[mark].word),
      entered ? ` (entered ${entered}×)` : '');
  }));
}
