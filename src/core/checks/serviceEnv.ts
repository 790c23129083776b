/** The environment variable that overrides a service's endpoint (a module of its own: the host reads it without the resolver's YAML). */
export function serviceEnvVar(serviceName: string): string {
  return `DELABS_SERVICE_${serviceName.toUpperCase().replace(/-/g, '_')}_URL`;
}
