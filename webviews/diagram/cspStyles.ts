/**
 * mermaid under a strict Content-Security-Policy. The policy allows no inline style attributes, and
 * mermaid sets many (label widths, `display: table-cell`) while it measures text, and writes them into
 * the SVG it returns. Blocked, they cut every label short. Styles set through the CSSOM
 * (`element.style`) are not inline markup and the policy allows them, so:
 * - while mermaid runs, `setAttribute('style', ...)` is routed to `element.style.cssText`, and every
 *   `<style>` element it creates carries the page's nonce;
 * - the SVG it returns is imported with each style attribute moved aside and applied through the CSSOM,
 *   and each `<style>` element carries the page's nonce.
 * No script is allowed by this: the policy's script-src stays nonce-only.
 */

const STYLE_ASIDE = 'data-delabs-style';

let patched = false;

/** Routes style attributes to the CSSOM, and gives new style elements the nonce, for the rest of the page's life (the page is mermaid's alone). */
export function routeStyleAttributesThroughCssom(nonce: string): void {
  if (patched) return;
  patched = true;
  const createElement = Document.prototype.createElement;
  const createElementNS = Document.prototype.createElementNS;
  const withNonce = <T extends Element>(created: T): T => {
    if (created.localName === 'style') created.setAttribute('nonce', nonce);
    return created;
  };
  Document.prototype.createElement = function (this: Document, ...args: Parameters<Document['createElement']>): HTMLElement {
    return withNonce(createElement.apply(this, args));
  } as Document['createElement'];
  Document.prototype.createElementNS = function (this: Document, namespace: string | null, name: string, options?: ElementCreationOptions): Element {
    return withNonce(createElementNS.call(this, namespace, name, options));
  } as Document['createElementNS'];
  const setAttribute = Element.prototype.setAttribute;
  const setAttributeNS = Element.prototype.setAttributeNS;
  Element.prototype.setAttribute = function (this: Element, name: string, value: string): void {
    if (name.toLowerCase() === 'style' && (this instanceof HTMLElement || this instanceof SVGElement)) {
      this.style.cssText = String(value);
      return;
    }
    setAttribute.call(this, name, value);
  };
  Element.prototype.setAttributeNS = function (this: Element, namespace: string | null, name: string, value: string): void {
    if ((namespace === null || namespace === '') && name.toLowerCase() === 'style' && (this instanceof HTMLElement || this instanceof SVGElement)) {
      this.style.cssText = String(value);
      return;
    }
    setAttributeNS.call(this, namespace, name, value);
  };
}

/** Parses the SVG mermaid returned into an element of this document, its styles applied as the policy allows. */
export function importSvg(svg: string, nonce: string): SVGSVGElement {
  // Renamed in the text, before parsing: a style attribute the parser meets is a violation the page
  // reports, thousands of times for a big diagram. Only inside tags: the serialiser escapes < and > in
  // attribute values and text, so a tag runs from < to the next >.
  const renamed = svg.replace(/<[^>]+>/g, (tag) => tag.replace(/ style="/g, ` ${STYLE_ASIDE}="`));
  const parsed = new DOMParser().parseFromString(renamed, 'image/svg+xml');
  const failure = parsed.querySelector('parsererror');
  if (failure) throw new Error(`mermaid returned SVG that does not parse: ${failure.textContent ?? ''}`);
  for (const style of parsed.querySelectorAll('style')) style.setAttribute('nonce', nonce);
  const imported = document.importNode(parsed.documentElement, true) as unknown as SVGSVGElement;
  for (const element of [imported, ...imported.querySelectorAll(`[${STYLE_ASIDE}]`)]) {
    const value = element.getAttribute(STYLE_ASIDE);
    if (value === null) continue;
    element.removeAttribute(STYLE_ASIDE);
    if (element instanceof SVGElement || element instanceof HTMLElement) element.style.cssText = value;
  }
  return imported;
}

/** The SVG as a standalone document: its styles back as attributes (and `styles` as its stylesheet), no nonce, the XML namespaces declared. */
export function exportSvg(svg: SVGSVGElement, styles?: string): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  if (styles !== undefined) {
    const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
    style.textContent = styles;
    copy.prepend(style);
  }
  for (const element of [copy, ...copy.querySelectorAll('*')]) {
    element.removeAttribute('nonce');
    for (const name of ['tabindex', 'role']) element.removeAttribute(name);
  }
  copy.classList.remove('match', 'dimmed');
  for (const element of copy.querySelectorAll('.match, .dimmed, .selected')) element.classList.remove('match', 'dimmed', 'selected');
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}
