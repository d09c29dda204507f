import { useEffect, useMemo, useState, type MouseEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { stateLabel } from '../labels.ts';
import { boxAround, parseDistrictLocations, projection, UK } from './projection.ts';
import type { Location, Site } from './types.ts';

/**
 * Sites on a map drawn in SVG from their own latitude and longitude, coloured and shaped by state
 * (the shape carries the meaning for those who cannot tell the colours apart). The land behind
 * them is the postcode districts' centres, bundled with the application: nothing is fetched
 * from anywhere. Each site is a link: click it, or Tab to it and press Enter.
 */

export const MAP_STATES = ['active', 'proposed', 'dormant', 'retired', 'closed'] as const;
const STYLE: Record<string, { colour: string; shape: 'circle' | 'square' | 'diamond' | 'triangle' | 'cross' }> = {
  active: { colour: '#007f3b', shape: 'circle' },
  proposed: { colour: '#005eb8', shape: 'square' },
  dormant: { colour: '#8a6d00', shape: 'diamond' },
  retired: { colour: '#4c6272', shape: 'triangle' },
  closed: { colour: '#d5281b', shape: 'cross' },
  // A site's connection: how far its most advanced connection has gone.
  live: { colour: '#007f3b', shape: 'circle' },
  installed: { colour: '#330072', shape: 'diamond' },
  surveyed: { colour: '#8a6d00', shape: 'diamond' },
  ordered: { colour: '#005eb8', shape: 'square' },
  quoted: { colour: '#4c6272', shape: 'square' },
  requested: { colour: '#4c6272', shape: 'triangle' },
  none: { colour: '#d5281b', shape: 'cross' },
};

/** What the map colours sites by: the states in the key's order, a site's state, and its label. */
export interface Colouring {
  states: readonly string[];
  stateOf: (site: Site) => string;
  label: (state: string) => string;
}

export const BY_SITE_STATE: Colouring = { states: MAP_STATES, stateOf: (site) => site.state, label: stateLabel };
const styleOf = (state: string) => STYLE[state] ?? STYLE.retired!;

export function Marker({ state, x, y, size = 6 }: { state: string; x: number; y: number; size?: number }) {
  const { colour, shape } = styleOf(state);
  const common = { fill: colour, stroke: '#ffffff', strokeWidth: 1.5 };
  switch (shape) {
    case 'square':
      return <rect x={x - size} y={y - size} width={size * 2} height={size * 2} {...common} />;
    case 'diamond':
      return <polygon points={`${x},${y - size * 1.3} ${x + size * 1.3},${y} ${x},${y + size * 1.3} ${x - size * 1.3},${y}`} {...common} />;
    case 'triangle':
      return <polygon points={`${x},${y - size * 1.3} ${x + size * 1.2},${y + size} ${x - size * 1.2},${y + size}`} {...common} />;
    case 'cross':
      return <path d={`M${x - size},${y - size}L${x + size},${y + size}M${x + size},${y - size}L${x - size},${y + size}`} stroke={colour} strokeWidth={size / 1.5 + 1} />;
    default:
      return <circle cx={x} cy={y} r={size} {...common} />;
  }
}

/** The legend: an ordinary list, read in order, with each state's mark and how many sites have it. */
export function MapLegend({ sites, colouring = BY_SITE_STATE }: { sites: Site[]; colouring?: Colouring }) {
  const counts = new Map<string, number>();
  for (const s of sites) counts.set(colouring.stateOf(s), (counts.get(colouring.stateOf(s)) ?? 0) + 1);
  return (
    <ul className="map-legend" aria-label="Key to the map">
      {colouring.states.map((state) => (
        <li key={state}>
          <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
            <Marker state={state} x={10} y={10} />
          </svg>
          {colouring.label(state)} <span className="muted">({counts.get(state) ?? 0})</span>
        </li>
      ))}
    </ul>
  );
}

let districts: Promise<Location[]> | null = null;
/** The postcode districts, loaded once as their own chunk of the application (same origin). */
function loadDistricts(): Promise<Location[]> {
  districts ??= import('../../../resources/postcode-outcodes.csv?raw').then((m) => parseDistrictLocations(m.default));
  return districts;
}

export function SiteMap({
  sites,
  label,
  fit = true,
  width = 640,
  colouring = BY_SITE_STATE,
}: {
  sites: Site[];
  label: string;
  fit?: boolean;
  width?: number;
  colouring?: Colouring;
}) {
  const navigate = useNavigate();
  const [land, setLand] = useState<Location[]>([]);
  useEffect(() => {
    let current = true;
    loadDistricts().then((l) => current && setLand(l), () => undefined);
    return () => {
      current = false;
    };
  }, []);
  const located = sites.filter((s): s is Site & { location: Location } => s.location !== null);
  const box = fit ? boxAround(located.map((s) => s.location)) : UK;
  const map = useMemo(() => projection(box, width), [box.south, box.north, box.west, box.east, width]); // eslint-disable-line react-hooks/exhaustive-deps
  const inside = (l: Location) => l.latitude >= box.south && l.latitude <= box.north && l.longitude >= box.west && l.longitude <= box.east;
  const size = fit ? 7 : 5;

  function open(event: MouseEvent, id: number) {
    event.preventDefault();
    navigate(`/sites/${id}`);
  }

  return (
    <figure className="site-map">
      <svg viewBox={`0 0 ${map.width} ${map.height}`} role="group" aria-label={label} className="site-map__svg">
        <rect x="0" y="0" width={map.width} height={map.height} fill="#e8f1fa" />
        <g aria-hidden="true">
          {land.filter(inside).map((l, i) => {
            const p = map.project(l);
            return <circle key={i} cx={p.x} cy={p.y} r={fit ? 3 : 1.6} fill="#c5cdd2" />;
          })}
        </g>
        {located.map((site) => {
          const p = map.project(site.location);
          return (
            <a key={site.id} href={`/sites/${site.id}`} onClick={(e) => open(e, site.id)} aria-label={`${site.name}, ${site.organisation.name}: ${colouring.label(colouring.stateOf(site))}`} className="site-map__site">
              <title>{`${site.name} (${colouring.label(colouring.stateOf(site))})`}</title>
              <Marker state={colouring.stateOf(site)} x={p.x} y={p.y} size={size} />
            </a>
          );
        })}
      </svg>
      <figcaption className="muted">
        {located.length === sites.length ? `${located.length} ${located.length === 1 ? 'site' : 'sites'} on the map` : `${located.length} of ${sites.length} sites on the map; the others have no location yet`}
        {' · '}a site without an exact location sits at the centre of its postcode district
      </figcaption>
    </figure>
  );
}
