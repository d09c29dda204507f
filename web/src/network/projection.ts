/**
 * A Mercator projection over a latitude/longitude box, scaled into an SVG of a given width. Pure
 * arithmetic: the map is drawn from the sites' own coordinates, with no tiles from anywhere.
 */
import type { Location } from './types.ts';

export interface Box {
  south: number;
  north: number;
  west: number;
  east: number;
}

/** The United Kingdom, Scilly to Shetland, Lough Erne to Lowestoft. */
export const UK: Box = { south: 49.8, north: 60.9, west: -8.7, east: 1.9 };

const mercatorY = (latitude: number) => Math.log(Math.tan(Math.PI / 4 + (latitude * Math.PI) / 360));

export interface Projection {
  width: number;
  height: number;
  project(location: Location): { x: number; y: number };
}

export function projection(box: Box, width: number, padding = 16): Projection {
  const top = mercatorY(box.north);
  const bottom = mercatorY(box.south);
  const spanX = ((box.east - box.west) * Math.PI) / 180;
  const scale = (width - 2 * padding) / spanX;
  const height = Math.round((top - bottom) * scale + 2 * padding);
  return {
    width,
    height,
    project: ({ latitude, longitude }) => ({
      x: padding + (((longitude - box.west) * Math.PI) / 180) * scale,
      y: padding + (top - mercatorY(latitude)) * scale,
    }),
  };
}

/** The smallest box around the locations, grown by a margin and to at least `minimum` degrees each way, kept inside the UK. */
export function boxAround(locations: Location[], minimum = 0.4): Box {
  if (locations.length === 0) return UK;
  let south = Infinity;
  let north = -Infinity;
  let west = Infinity;
  let east = -Infinity;
  for (const { latitude, longitude } of locations) {
    south = Math.min(south, latitude);
    north = Math.max(north, latitude);
    west = Math.min(west, longitude);
    east = Math.max(east, longitude);
  }
  const grow = (low: number, high: number, least: number) => {
    const middle = (low + high) / 2;
    const half = Math.max((high - low) * 0.6, least / 2);
    return [middle - half, middle + half] as const;
  };
  [south, north] = grow(south, north, minimum);
  [west, east] = grow(west, east, minimum * 1.6);
  return { south: Math.max(south, UK.south), north: Math.min(north, UK.north), west: Math.max(west, UK.west), east: Math.min(east, UK.east) };
}

/** The published postcode district file (`id,outcode,latitude,longitude`) as locations. */
export function parseDistrictLocations(csv: string): Location[] {
  const out: Location[] = [];
  for (const line of csv.split('\n').slice(1)) {
    const [, , lat, lon] = line.split(',');
    const latitude = Number(lat);
    const longitude = Number(lon);
    if (lat && lon && Number.isFinite(latitude) && Number.isFinite(longitude) && latitude > UK.south && latitude < UK.north) out.push({ latitude, longitude });
  }
  return out;
}
