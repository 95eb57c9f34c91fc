package datafolder

import (
	"net/netip"
	"os"
	"strings"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/keyring"
	"github.com/securityinfo/securityinfo/core/radius"
)

// RadiusClient is one [[radius.client]] of securityinfo.toml: a VPN, a
// Wi-Fi controller or other network gear that asks securityinfod for
// people's two steps over RADIUS.
type RadiusClient struct {
	Name    string `toml:"name"`
	Address string `toml:"address"` // one address or a CIDR
	// Secret is the shared secret; "" means SECURITYINFO_RADIUS_<NAME>_SECRET,
	// or the keyring's radius-<name> (securityinfoctl config set-secret).
	Secret     string            `toml:"secret"`
	AppendCode bool              `toml:"append_code"`
	ClassRole  bool              `toml:"class_role"`
	FilterID   map[string]string `toml:"filter_id"` // role = Filter-Id
}

// RadiusSecretName is the keyring name of a RADIUS client's shared secret.
func RadiusSecretName(client string) string { return "radius-" + client }

// ValidSecretName reports whether set-secret accepts name: a delivery
// secret, or a RADIUS client's (radius-NAME).
func ValidSecretName(name string) bool {
	for _, n := range SecretNames {
		if n == name {
			return true
		}
	}
	rest, ok := strings.CutPrefix(name, "radius-")
	return ok && rest != ""
}

// RadiusClients makes the configured RADIUS clients, each secret from
// the file, the environment (getenv; nil: os.Getenv) or the keyring
// (service "" for the default), in that order. Errors are EINVALID with
// the client's name, and never hold a secret.
func (c *Config) RadiusClients(getenv func(string) string, keyringService string) ([]radius.Client, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var out []radius.Client
	for i, rc := range c.Radius.Client {
		name := strings.TrimSpace(rc.Name)
		if name == "" {
			return nil, core.Errorf(core.EINVALID, "[[radius.client]] number %d has no name.", i+1)
		}
		prefix, err := parsePrefix(rc.Address)
		if err != nil {
			return nil, core.Errorf(core.EINVALID, "RADIUS client %q: address %q is not an IP address or a CIDR such as 10.0.0.0/24.", name, rc.Address)
		}
		secret := rc.Secret
		if secret == "" {
			secret = getenv("SECURITYINFO_RADIUS_" + radius.EnvName(name) + "_SECRET")
		}
		if secret == "" {
			s, ok, err := (keyring.Keyring{Service: keyringService}).Secret(RadiusSecretName(name))
			if err == nil && ok {
				secret = s
			}
		}
		roles := map[core.Role]string{}
		for role, f := range rc.FilterID {
			switch r := core.Role(role); r {
			case core.RoleUser, core.RoleHelpdesk, core.RoleAdmin:
				roles[r] = f
			default:
				return nil, core.Errorf(core.EINVALID, "RADIUS client %q: filter_id names the role %q; roles are user, helpdesk and admin.", name, role)
			}
		}
		out = append(out, radius.Client{Name: name, Address: prefix, Secret: []byte(secret), AppendCode: rc.AppendCode, ClassRole: rc.ClassRole, FilterID: roles})
	}
	if err := radius.Config(out); err != nil {
		return nil, err
	}
	return out, nil
}

// parsePrefix reads one address (as a /32 or /128) or a CIDR.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
