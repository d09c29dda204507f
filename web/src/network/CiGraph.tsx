import type { MouseEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { ciKindLabel, ciStateLabel, relationLabel } from './labels.ts';
import type { Graph, GraphNode } from './types.ts';

/**
 * The graph around a CI, in layers: what it depends on below it, what depends on it above, found
 * by walking the relations outward from the centre (a relation's source depends on its target).
 * With `failing` given, the CIs that fail with the centre are drawn red and marked "fails"; the
 * ones that lose a dependency but survive on an alternative, amber and marked "degraded".
 */

const NODE_W = 168;
const NODE_H = 62;
const GAP_X = 24;
const GAP_Y = 64;
const PAD = 20;

export interface Placed extends GraphNode {
  layer: number;
  x: number;
  y: number;
}

export function layout(graph: Graph): { placed: Placed[]; width: number; height: number } {
  const layer = new Map<number, number>([[graph.centre, 0]]);
  const queue = [graph.centre];
  while (queue.length) {
    const at = queue.shift()!;
    const here = layer.get(at)!;
    for (const e of graph.edges) {
      // Dependencies go down a layer; dependants up; other relations stay level-ish (down).
      const next = e.source === at ? e.target : e.target === at ? e.source : null;
      if (next === null || layer.has(next)) continue;
      layer.set(next, e.source === at ? here + 1 : here - 1);
      queue.push(next);
    }
  }
  const byLayer = new Map<number, GraphNode[]>();
  for (const node of graph.nodes) {
    const l = layer.get(node.id) ?? node.depth;
    byLayer.set(l, [...(byLayer.get(l) ?? []), node]);
  }
  const layers = [...byLayer.keys()].sort((a, b) => a - b);
  const widest = Math.max(1, ...[...byLayer.values()].map((n) => n.length));
  const width = Math.max(PAD * 2 + widest * (NODE_W + GAP_X) - GAP_X, 480);
  const placed: Placed[] = [];
  layers.forEach((l, row) => {
    const nodes = byLayer.get(l)!.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
    const rowWidth = nodes.length * (NODE_W + GAP_X) - GAP_X;
    const start = (width - rowWidth) / 2;
    nodes.forEach((n, i) => placed.push({ ...n, layer: l, x: start + i * (NODE_W + GAP_X), y: PAD + row * (NODE_H + GAP_Y) }));
  });
  return { placed, width, height: PAD * 2 + layers.length * (NODE_H + GAP_Y) - GAP_Y };
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function CiGraph({ graph, failing, degraded }: { graph: Graph; failing?: Set<number>; degraded?: Set<number> }) {
  const navigate = useNavigate();
  const { placed, width, height } = layout(graph);
  const at = new Map(placed.map((p) => [p.id, p]));

  function open(event: MouseEvent, id: number) {
    event.preventDefault();
    navigate(`/configuration/${id}`);
  }

  return (
    <svg className="graph" viewBox={`0 0 ${width} ${height}`} style={{ maxWidth: width }} role="group" aria-label={`Graph of ${placed.length} configuration items around this one: what it depends on below, what depends on it above`}>
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0L10,5L0,10z" fill="#4c6272" />
        </marker>
      </defs>
      <g aria-hidden="true">
        {graph.edges.map((e) => {
          const s = at.get(e.source);
          const t = at.get(e.target);
          if (!s || !t) return null;
          const down = t.y > s.y;
          const up = t.y < s.y;
          const x1 = s.x + NODE_W / 2;
          const x2 = t.x + NODE_W / 2;
          const y1 = down ? s.y + NODE_H : up ? s.y : s.y + NODE_H / 2;
          const y2 = down ? t.y : up ? t.y + NODE_H : t.y + NODE_H / 2;
          const broken = failing?.has(e.source) && failing.has(e.target);
          return (
            <line
              key={e.id}
              x1={x1}
              y1={y1}
              x2={x2}
              y2={y2}
              stroke={broken ? '#d5281b' : '#4c6272'}
              strokeWidth={broken ? 2.5 : 1.5}
              strokeDasharray={e.kind === 'depends_on' ? undefined : '5 4'}
              markerEnd="url(#arrow)"
            >
              <title>{relationLabel(e.kind)}</title>
            </line>
          );
        })}
      </g>
      {placed.map((n) => {
        const centre = n.id === graph.centre;
        const fails = failing?.has(n.id) ?? false;
        const worse = !fails && (degraded?.has(n.id) ?? false);
        const mark = fails ? 'fails' : worse ? 'degraded' : '';
        return (
          <a
            key={n.id}
            href={`/configuration/${n.id}`}
            className="graph__node"
            onClick={(e) => open(e, n.id)}
            aria-current={centre ? 'page' : undefined}
            data-impact={mark || undefined}
          >
            <rect
              x={n.x}
              y={n.y}
              width={NODE_W}
              height={NODE_H}
              rx="4"
              fill={fails ? '#f8d7d4' : worse ? '#fff4c2' : '#ffffff'}
              stroke={fails ? '#d5281b' : worse ? '#8a6d00' : centre ? '#005eb8' : '#4c6272'}
              strokeWidth={fails || centre ? 3 : 1.5}
              strokeDasharray={worse ? '5 3' : undefined}
            />
            <text x={n.x + 8} y={n.y + 19} fontSize="13" fontWeight="700" fill="#212b32">
              {clip(n.name, 22)}
            </text>
            <text x={n.x + 8} y={n.y + 36} fontSize="12" fill="#4c6272">
              {` ${clip(`${ciKindLabel(n.kind)} · ${ciStateLabel(n.state)}`, 26)}`}
            </text>
            {(mark || centre) && (
              <text x={n.x + 8} y={n.y + 53} fontSize="12" fontWeight="700" fill={fails ? '#a3190f' : worse ? '#6b5500' : '#003d78'}>
                {` ${[centre ? 'this item' : '', mark].filter(Boolean).join(', ')}`}
              </text>
            )}
          </a>
        );
      })}
    </svg>
  );
}
