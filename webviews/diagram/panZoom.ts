/**
 * Pan and zoom of the diagram stage inside its viewport: drag to pan, the wheel (or a pinch) to zoom
 * around the pointer, keys + - 0 and the toolbar's buttons. The transform is plain data, so the view can
 * keep it across re-renders of the same subject (the learner's place survives each keystroke).
 */

export interface Transform {
  readonly x: number;
  readonly y: number;
  readonly scale: number;
}

const MIN_SCALE = 0.05;
const MAX_SCALE = 8;
/** How much one wheel notch or button press zooms. */
const STEP = 1.2;
/** Space left around a fitted diagram, in pixels. */
const FIT_MARGIN = 16;

export class PanZoom {
  private transform: Transform = { x: 0, y: 0, scale: 1 };
  private drag: { pointer: number; x: number; y: number; moved: boolean } | undefined;
  /** Set when a drag moved the stage, so the click that ends it does not open a table. */
  private suppressClick = false;
  /** The view was fitted and the learner has not moved it since: a resize fits it again. */
  private fitted = false;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly stage: HTMLElement,
  ) {
    viewport.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    viewport.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    viewport.addEventListener('pointermove', (event) => this.onPointerMove(event));
    viewport.addEventListener('pointerup', (event) => this.onPointerUp(event));
    viewport.addEventListener('pointercancel', (event) => this.onPointerUp(event));
    new ResizeObserver(() => {
      if (this.fitted) this.fit();
    }).observe(viewport);
    viewport.addEventListener('click', (event) => {
      if (!this.suppressClick) return;
      this.suppressClick = false;
      event.stopPropagation();
    }, true);
  }

  get current(): Transform {
    return this.transform;
  }

  set(transform: Transform): void {
    this.fitted = false;
    this.transform = { x: transform.x, y: transform.y, scale: Math.min(MAX_SCALE, Math.max(MIN_SCALE, transform.scale)) };
    this.stage.style.transform = `translate(${this.transform.x}px, ${this.transform.y}px) scale(${this.transform.scale})`;
    this.viewport.dataset.scale = this.transform.scale.toFixed(3);
  }

  /** Zooms by `factor` around a point of the viewport (its centre by default). */
  zoom(factor: number, at?: { x: number; y: number }): void {
    const box = this.viewport.getBoundingClientRect();
    const point = at ?? { x: box.width / 2, y: box.height / 2 };
    const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.transform.scale * factor));
    const ratio = scale / this.transform.scale;
    this.set({ x: point.x - (point.x - this.transform.x) * ratio, y: point.y - (point.y - this.transform.y) * ratio, scale });
  }

  zoomIn(): void {
    this.zoom(STEP);
  }

  zoomOut(): void {
    this.zoom(1 / STEP);
  }

  /** The whole stage in view, never larger than its natural size. */
  fit(): void {
    const box = this.viewport.getBoundingClientRect();
    const width = this.stage.scrollWidth;
    const height = this.stage.scrollHeight;
    if (width === 0 || height === 0 || box.width === 0) return this.set({ x: 0, y: 0, scale: 1 });
    const scale = Math.min(1, (box.width - 2 * FIT_MARGIN) / width, (box.height - 2 * FIT_MARGIN) / height);
    this.set({ x: (box.width - width * scale) / 2, y: Math.max(FIT_MARGIN, (box.height - height * scale) / 2), scale });
    this.fitted = true;
  }

  actualSize(): void {
    this.set({ x: FIT_MARGIN, y: FIT_MARGIN, scale: 1 });
  }

  /** Moves the stage so that `element` is in the middle of the viewport. */
  centre(element: Element): void {
    const box = this.viewport.getBoundingClientRect();
    const target = element.getBoundingClientRect();
    const dx = box.left + box.width / 2 - (target.left + target.width / 2);
    const dy = box.top + box.height / 2 - (target.top + target.height / 2);
    this.set({ ...this.transform, x: this.transform.x + dx, y: this.transform.y + dy });
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const box = this.viewport.getBoundingClientRect();
    if (event.ctrlKey || event.metaKey || Math.abs(event.deltaY) >= Math.abs(event.deltaX)) {
      // A pinch arrives as a wheel with ctrl; a plain wheel zooms too, as in every diagram tool.
      this.zoom(event.deltaY < 0 ? STEP : 1 / STEP, { x: event.clientX - box.left, y: event.clientY - box.top });
    } else {
      this.set({ ...this.transform, x: this.transform.x - event.deltaX });
    }
  }

  private onPointerDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    this.drag = { pointer: event.pointerId, x: event.clientX, y: event.clientY, moved: false };
  }

  private onPointerMove(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || drag.pointer !== event.pointerId) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) this.viewport.setPointerCapture(event.pointerId);
    drag.moved = true;
    drag.x = event.clientX;
    drag.y = event.clientY;
    this.viewport.classList.add('panning');
    this.set({ ...this.transform, x: this.transform.x + dx, y: this.transform.y + dy });
  }

  private onPointerUp(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || drag.pointer !== event.pointerId) return;
    this.drag = undefined;
    this.viewport.classList.remove('panning');
    if (drag.moved) this.suppressClick = true;
  }
}
