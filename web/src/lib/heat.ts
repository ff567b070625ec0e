// The heat grid's colour ramp: one hue, ordered by lightness, so it reads for every kind of
// colour vision and in greyscale; the number is printed in the cell as well.

const LIGHT: [number, number, number][] = [
  [0xee, 0xf2, 0xf6],
  [0xc6, 0xdb, 0xef],
  [0x6b, 0xae, 0xd6],
  [0x21, 0x71, 0xb5],
  [0x08, 0x30, 0x6b],
];
const DARK: [number, number, number][] = [
  [0x23, 0x2b, 0x36],
  [0x1f, 0x3b, 0x5c],
  [0x2b, 0x6c, 0xa3],
  [0x4f, 0x9f, 0xd9],
  [0xb4, 0xdd, 0xff],
];

export function utilColor(util: number, dark: boolean): string {
  const stops = dark ? DARK : LIGHT;
  const x = (Math.max(0, Math.min(100, util)) / 100) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Relative luminance (WCAG) of an "rgb(r, g, b)" string. */
export function luminance(rgb: string): number {
  const m = rgb.match(/\d+/g);
  if (!m || m.length < 3) return 0;
  const [r, g, b] = m.slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrastRatio(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/**
 * Black or white text, whichever contrasts more with the cell. Pure black, because with it the
 * worse of the two choices still reaches 4.5:1 on any background (WCAG AA for small text).
 */
export function textOn(rgb: string): string {
  const l = luminance(rgb);
  return contrastRatio(l, 1) >= contrastRatio(l, 0) ? "#ffffff" : "#000000";
}
