import type { Scale } from '../../catalog/catalog.types';
import { scaleScores } from '../reasons';
import { html, type SafeHtml } from './html';
import type { Messages } from './messages';

type FaceName = keyof Messages['faces'];

/** Red to green, each with a dark outline so the face keeps 3:1 contrast whatever its fill; the mouth carries the meaning too. */
const FACES: Record<FaceName, { fill: string; mouthY: number }> = {
  veryDissatisfied: { fill: '#d32f2f', mouthY: 48 },
  dissatisfied: { fill: '#f57c00', mouthY: 60 },
  neutral: { fill: '#fbc02d', mouthY: 70 },
  satisfied: { fill: '#7cb342', mouthY: 82 },
  verySatisfied: { fill: '#2e7d32', mouthY: 94 },
};

const FACE_ORDER: Record<'smiley5' | 'smiley4', FaceName[]> = {
  smiley5: ['veryDissatisfied', 'dissatisfied', 'neutral', 'satisfied', 'verySatisfied'],
  smiley4: ['veryDissatisfied', 'dissatisfied', 'satisfied', 'verySatisfied'],
};

export function faceSvg(face: FaceName): SafeHtml {
  const { fill, mouthY } = FACES[face];
  return html`<svg viewBox="0 0 100 100" aria-hidden="true" focusable="false"><circle cx="50" cy="50" r="45" fill="${fill}" stroke="#1b1f24" stroke-width="4"/><circle cx="35" cy="40" r="6" fill="#1b1f24"/><circle cx="65" cy="40" r="6" fill="#1b1f24"/><path d="M30 70Q50 ${mouthY} 70 70" fill="none" stroke="#1b1f24" stroke-width="6" stroke-linecap="round"/></svg>`;
}

/** The submit buttons of a scale: faces with their spoken names, or 0–10 with the scale's end labels. */
export function scaleButtons(scale: Scale, m: Messages): SafeHtml {
  if (scale === 'nps11') {
    const buttons = scaleScores(scale).map(
      (n) => html`<button type="submit" class="num" name="score" value="${n}" aria-label="${m.scoreOutOfTen.replace('{n}', String(n))}">${n}</button>`,
    );
    return html`<div class="nps">${buttons}</div><p class="ends" aria-hidden="true"><span>0 = ${m.recommendLow}</span><span>10 = ${m.recommendHigh}</span></p>`;
  }
  const buttons = FACE_ORDER[scale].map(
    (face, i) => html`<button type="submit" class="face" name="score" value="${scaleScores(scale)[i]}" title="${m.faces[face]}">${faceSvg(face)}<span class="vh">${m.faces[face]}</span></button>`,
  );
  return html`<div class="faces">${buttons}</div>`;
}

export const questionOf = (scale: Scale, m: Messages): string => (scale === 'nps11' ? m.recommendQuestion : m.satisfactionQuestion);
