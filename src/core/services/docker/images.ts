/**
 * Which image a lab service really runs: the learner's override for it (a locally built or corporate
 * image), else the image through the registry mirror when one is set, else the image as the lab names it.
 */

export interface ImageSettings {
  /** dataEngLabs.services.imageOverrides: image as written in compose.yaml → image to run. */
  readonly imageOverrides?: Readonly<Record<string, string>>;
  /** dataEngLabs.services.registryMirror: a host[:port][/path] that serves Docker Hub's images. */
  readonly registryMirror?: string;
}

/** True when the first path component names a registry (has a dot or port, or is localhost). */
function hasRegistry(image: string): boolean {
  const slash = image.indexOf('/');
  if (slash < 0) return false;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

export function resolveImage(image: string, settings: ImageSettings): string {
  const override = settings.imageOverrides?.[image];
  if (override) return override;
  const mirror = settings.registryMirror?.trim().replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
  if (mirror && !hasRegistry(image)) return `${mirror}/${image.includes('/') ? image : `library/${image}`}`;
  return image;
}

/** Whether the image reference carries a version tag (not `latest`, not missing) or a digest. */
export function isPinned(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const lastSlash = image.lastIndexOf('/');
  const tagAt = image.indexOf(':', lastSlash + 1);
  if (tagAt < 0) return false;
  const tag = image.slice(tagAt + 1);
  return tag !== 'latest' && /\d/.test(tag);
}

/** `name:tag` for dockerode's pull, which takes the tag from the reference. */
export function withDefaultTag(image: string): string {
  if (image.includes('@')) return image;
  const lastSlash = image.lastIndexOf('/');
  return image.indexOf(':', lastSlash + 1) < 0 ? `${image}:latest` : image;
}
