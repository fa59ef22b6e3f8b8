// Compose's short port syntax: [host_ip:][host_port[-range]:]container_port[-range][/protocol].

export interface PortMapping {
  hostIp: string | null;
  /** null: Docker picks a free port per container. A range (e.g. "8000-8010") is kept as written. */
  hostPort: string | null;
  containerPort: number;
  protocol: string;
}

export function parsePort(spec: string | number): PortMapping {
  const text = String(spec);
  const [address, protocol = 'tcp'] = text.split('/');
  const parts = address!.split(':');
  if (parts.length > 3 || parts.some((p, i) => i === parts.length - 1 && p === '')) throw new Error(`not a port mapping: ${text}`);
  const containerPort = Number(parts[parts.length - 1]);
  if (!Number.isInteger(containerPort) || containerPort < 1 || containerPort > 65535) throw new Error(`bad container port in ${text}`);
  const hostPort = parts.length >= 2 ? parts[parts.length - 2]! : '';
  const hostIp = parts.length === 3 ? parts[0]! : null;
  if (hostPort !== '' && !/^\d{1,5}(-\d{1,5})?$/.test(hostPort)) throw new Error(`bad host port in ${text}`);
  return { hostIp, hostPort: hostPort === '' ? null : hostPort, containerPort, protocol: protocol! };
}

/** A host port that every replica would try to bind: one number, not a range or none. */
export const isFixedHostPort = (mapping: PortMapping) => mapping.hostPort !== null && !mapping.hostPort.includes('-');
