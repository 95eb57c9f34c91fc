package remote

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddr is the address a request comes from, for the per-address
// limits. Behind a trusted proxy (Server.TrustedProxies) it is the nearest
// address in X-Forwarded-For that is not itself a trusted proxy, read from
// the right, since only the hops the trusted proxies appended can be
// believed; anyone else's X-Forwarded-For is ignored.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return ""
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := parseHop(hops[i])
		if err != nil {
			// A hop that is no address cannot be told from a forgery:
			// the request counts against the last proxy that sent it.
			return peer.Unmap().String()
		}
		peer = hop.Unmap()
		if !s.trusted(peer) {
			return peer.String()
		}
	}
	return peer.String()
}

// fromThisMachine reports whether r comes from the service's own machine
// and not through a proxy: its TCP peer is a loopback address that is not
// a trusted proxy, and it carries no header a proxy adds. A proxy on this
// machine that adds no header (a plain TCP or TLS proxy) cannot be told
// apart: it must be named in --trusted-proxy.
func (s *Server) fromThisMachine(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !peer.Unmap().IsLoopback() || s.trusted(peer) {
		return false
	}
	for _, h := range []string{"X-Forwarded-For", "Forwarded", "X-Real-Ip", "X-Forwarded-Host", "X-Forwarded-Proto"} {
		if len(r.Header.Values(h)) > 0 {
			return false
		}
	}
	return true
}

// parseHop parses one X-Forwarded-For hop: an address, or an address with
// a port (203.0.113.7:41234, [2001:db8::1]:41234), as some proxies write.
func parseHop(hop string) (netip.Addr, error) {
	hop = strings.TrimSpace(hop)
	if a, err := netip.ParseAddr(strings.Trim(hop, "[]")); err == nil {
		return a, nil
	}
	ap, err := netip.ParseAddrPort(hop)
	if err != nil {
		return netip.Addr{}, err
	}
	return ap.Addr(), nil
}

// trusted reports whether addr is one of the trusted proxies.
func (s *Server) trusted(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range s.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ParseProxies parses the --trusted-proxy values: addresses or CIDR
// prefixes, comma-separated.
func ParseProxies(values []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range values {
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			if p, err := netip.ParsePrefix(f); err == nil {
				out = append(out, p.Masked())
				continue
			}
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, &ProxyError{Value: f}
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out, nil
}

// ProxyError is a --trusted-proxy value that is no address or prefix.
type ProxyError struct{ Value string }

func (e *ProxyError) Error() string {
	return "--trusted-proxy " + e.Value + ": give an address (10.0.0.5) or a CIDR prefix (10.0.0.0/24, 2001:db8::/48)"
}
