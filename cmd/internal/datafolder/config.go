package datafolder

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/keyring"
	"github.com/securityinfo/securityinfo/core/sms"
	"github.com/securityinfo/securityinfo/core/smtp"
)

// ConfigName is the configuration file's name in the data folder.
const ConfigName = "securityinfo.toml"

// Config is the delivery configuration: securityinfo.toml with
// SECURITYINFO_* environment overrides. A section left empty means its
// channels go to the local outbox.
type Config struct {
	SMTP struct {
		Host     string `toml:"host"`
		Port     int    `toml:"port"`
		Security string `toml:"security"`
		Username string `toml:"username"`
		Password string `toml:"password"`
		From     string `toml:"from"`
		CAFile   string `toml:"ca_file"`
	} `toml:"smtp"`
	Twilio struct {
		AccountSID string `toml:"account_sid"`
		AuthToken  string `toml:"auth_token"`
		From       string `toml:"from"`
		BaseURL    string `toml:"base_url"`
	} `toml:"twilio"`
	Webhook struct {
		URL   string `toml:"url"`
		Token string `toml:"token"`
	} `toml:"webhook"`

	// Directory is the organisation's directory ([directory]): with a
	// kind set, people and passwords come from it (directory.go).
	Directory DirectoryConfig `toml:"directory"`
	// Radius lists the RADIUS clients securityinfod answers (with
	// --radius-listen): [[radius.client]].
	Radius struct {
		Client []RadiusClient `toml:"client"`
	} `toml:"radius"`

	// Server is the organisation's central service: with it the window
	// and the command line use it, and open no local store.
	Server string `toml:"server"`
	// CAFile is the private CA of the server's certificate.
	CAFile string `toml:"ca_file"`

	// Path is the file read ("" when there was none).
	Path string `toml:"-"`
}

// Keyring names of delivery secrets, for `securityinfoctl config set-secret`.
const (
	SecretSMTPPassword = "smtp-password"
	SecretTwilioToken  = "twilio-auth-token"
	SecretWebhookToken = "webhook-token"
	// SecretDirectoryPassword is the directory's bind_password.
	SecretDirectoryPassword = "directory-bind-password"
)

// SecretNames lists the names set-secret accepts.
var SecretNames = []string{SecretSMTPPassword, SecretTwilioToken, SecretWebhookToken, SecretDirectoryPassword}

// envKeys maps each environment variable to its field.
func (c *Config) envKeys() map[string]any {
	return map[string]any{
		"SECURITYINFO_SMTP_HOST":          &c.SMTP.Host,
		"SECURITYINFO_SMTP_PORT":          &c.SMTP.Port,
		"SECURITYINFO_SMTP_SECURITY":      &c.SMTP.Security,
		"SECURITYINFO_SMTP_USERNAME":      &c.SMTP.Username,
		"SECURITYINFO_SMTP_PASSWORD":      &c.SMTP.Password,
		"SECURITYINFO_SMTP_FROM":          &c.SMTP.From,
		"SECURITYINFO_SMTP_CA_FILE":       &c.SMTP.CAFile,
		"SECURITYINFO_TWILIO_ACCOUNT_SID": &c.Twilio.AccountSID,
		"SECURITYINFO_TWILIO_AUTH_TOKEN":  &c.Twilio.AuthToken,
		"SECURITYINFO_TWILIO_FROM":        &c.Twilio.From,
		"SECURITYINFO_TWILIO_BASE_URL":    &c.Twilio.BaseURL,
		"SECURITYINFO_WEBHOOK_URL":        &c.Webhook.URL,
		"SECURITYINFO_WEBHOOK_TOKEN":      &c.Webhook.Token,

		"SECURITYINFO_DIRECTORY_KIND":                   &c.Directory.Kind,
		"SECURITYINFO_DIRECTORY_URL":                    &c.Directory.URL,
		"SECURITYINFO_DIRECTORY_START_TLS":              &c.Directory.StartTLS,
		"SECURITYINFO_DIRECTORY_CA_FILE":                &c.Directory.CAFile,
		"SECURITYINFO_DIRECTORY_BIND_DN":                &c.Directory.BindDN,
		"SECURITYINFO_DIRECTORY_BIND_PASSWORD":          &c.Directory.BindPassword,
		"SECURITYINFO_DIRECTORY_BASE_DN":                &c.Directory.BaseDN,
		"SECURITYINFO_DIRECTORY_USER_FILTER":            &c.Directory.UserFilter,
		"SECURITYINFO_DIRECTORY_NAME_ATTRIBUTE":         &c.Directory.NameAttribute,
		"SECURITYINFO_DIRECTORY_DISPLAY_NAME_ATTRIBUTE": &c.Directory.DisplayNameAttribute,
		"SECURITYINFO_DIRECTORY_MOBILE_ATTRIBUTE":       &c.Directory.MobileAttribute,
		"SECURITYINFO_DIRECTORY_OFFICE_PHONE_ATTRIBUTE": &c.Directory.OfficePhoneAttribute,
		"SECURITYINFO_DIRECTORY_HELPDESK_GROUP":         &c.Directory.HelpdeskGroup,
		"SECURITYINFO_DIRECTORY_ADMIN_GROUP":            &c.Directory.AdminGroup,
		"SECURITYINFO_DIRECTORY_SYNC_INTERVAL":          &c.Directory.SyncInterval,
	}
}

// LoadConfig reads path (or dir/securityinfo.toml when path is "", where a
// missing file means nothing is configured), then applies the environment
// through getenv. Returns EINVALID for an unknown key or a bad value, and
// EUNAVAILABLE, as for a key file, when the file holds a secret (an SMTP
// password, a Twilio auth token, a webhook token) and other users can read
// it.
func LoadConfig(dir, path string, getenv func(string) string) (*Config, error) {
	c := &Config{}
	explicit := path != ""
	if !explicit {
		path = filepath.Join(dir, ConfigName)
	}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
	case errors.Is(err, fs.ErrNotExist):
		return nil, core.Errorf(core.EINVALID, "The configuration file %s does not exist.", path)
	case err != nil:
		return nil, core.Errorf(core.EUNAVAILABLE, "Cannot read the configuration file %s: %v.", path, errors.Unwrap(err))
	default:
		defer f.Close()
		md, err := toml.NewDecoder(f).Decode(c)
		if err != nil {
			return nil, core.Errorf(core.EINVALID, "The configuration file %s is not valid TOML: %v", path, err)
		}
		c.Path = path
		if und := md.Undecoded(); len(und) > 0 {
			keys := make([]string, len(und))
			for i, k := range und {
				keys[i] = k.String()
			}
			return nil, core.Errorf(core.EINVALID, "The configuration file %s has unknown keys: %s. Known: [smtp] host, port, security, username, password, from, ca_file; [twilio] account_sid, auth_token, from, base_url; [webhook] url, token; [directory] kind, url, start_tls, ca_file, bind_dn, bind_password, base_dn, user_filter, name_attribute, display_name_attribute, mobile_attribute, office_phone_attribute, helpdesk_group, admin_group, sync_interval; [[radius.client]] name, address, secret, append_code, class_role, filter_id.",
				path, strings.Join(keys, ", "))
		}
		// A file holding a secret is refused like a key file others can
		// read (keyring.KeyFile): same test, same message.
		if c.holdsSecret() {
			fi, err := f.Stat()
			if err != nil {
				return nil, core.Errorf(core.EUNAVAILABLE, "Cannot read the configuration file %s: %v.", path, errors.Unwrap(err))
			}
			if readableByOthers(fi) {
				return nil, core.Errorf(core.EUNAVAILABLE, "The configuration file %s can be read by other users (mode %v). Run: chmod 600 %s", path, fi.Mode().Perm(), path)
			}
		}
	}
	for name, field := range c.envKeys() {
		v := getenv(name)
		if v == "" {
			continue
		}
		switch f := field.(type) {
		case *string:
			*f = v
		case *int:
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, core.Errorf(core.EINVALID, "%s=%q is not a number.", name, v)
			}
			*f = n
		case *bool:
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, core.Errorf(core.EINVALID, "%s=%q is not true or false.", name, v)
			}
			*f = b
		}
	}
	return c, nil
}

// holdsSecret reports whether the configuration holds a secret: the SMTP
// password, the Twilio auth token, the webhook token, the directory's
// bind_password, a password inside the webhook or Twilio URL, or a RADIUS
// client's shared secret.
func (c *Config) holdsSecret() bool {
	for _, rc := range c.Radius.Client {
		if rc.Secret != "" {
			return true
		}
	}
	return c.SMTP.Password != "" || c.Twilio.AuthToken != "" || c.Webhook.Token != "" || c.Directory.BindPassword != "" ||
		urlHasSecret(c.Webhook.URL) || urlHasSecret(c.Twilio.BaseURL)
}

// urlHasSecret reports whether u may carry a secret: a password, as in
// https://user:secret@host/, or a query (gateways take tokens as
// ?token=...). A URL that does not parse is taken to carry one.
func urlHasSecret(u string) bool {
	if u == "" {
		return false
	}
	p, err := url.Parse(u)
	if err != nil {
		return true
	}
	if p.RawQuery != "" || p.Fragment != "" {
		return true
	}
	if p.User == nil {
		return false
	}
	_, ok := p.User.Password()
	return ok
}

// readableByOthers reports whether users other than the owner may read or
// write a file: the test keyring.KeyFile applies to a key file. Windows
// modes do not say, so there it is always false.
func readableByOthers(fi fs.FileInfo) bool {
	return runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0
}

// Delivery is the configured senders, one per channel, with what each is.
type Delivery struct {
	Router core.Router
	// Where says, per channel, where messages go ("outbox" or a description).
	Where map[core.Channel]string
	// Outbox is true when any channel goes to the local outbox.
	Outbox bool
}

// secrets reads a delivery secret from the keyring when the file and the
// environment leave it empty.
type secrets interface {
	Secret(name string) (string, bool, error)
}

// Build makes the senders: email through SMTP when [smtp] has a host, SMS
// and voice through Twilio or the webhook when one is set, and each other
// channel to the outbox.
func (c *Config) Build(out core.Sender, kr secrets) (*Delivery, error) {
	d := &Delivery{Router: core.Router{}, Where: map[core.Channel]string{}}
	if c.SMTP.Host != "" {
		if c.SMTP.Username != "" && c.SMTP.Password == "" {
			pw, ok, err := kr.Secret(SecretSMTPPassword)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, core.Errorf(core.EINVALID, "[smtp] username is set but no password: set [smtp] password, SECURITYINFO_SMTP_PASSWORD, or keep it in the keyring with: securityinfoctl config set-secret %s", SecretSMTPPassword)
			}
			c.SMTP.Password = pw
		}
		m, err := smtp.New(smtp.Config{Host: c.SMTP.Host, Port: c.SMTP.Port, Security: c.SMTP.Security, Username: c.SMTP.Username,
			Password: c.SMTP.Password, From: c.SMTP.From, CAFile: c.SMTP.CAFile})
		if err != nil {
			return nil, err
		}
		d.Router[core.ChannelEmail], d.Where[core.ChannelEmail] = m, m.Describe()
	}
	twilioSet := c.Twilio.AccountSID != "" || c.Twilio.From != "" || c.Twilio.BaseURL != ""
	if twilioSet && c.Webhook.URL != "" {
		return nil, core.Errorf(core.EINVALID, "Both [twilio] and [webhook] are set; SMS and calls go through one provider. Remove one.")
	}
	switch {
	case twilioSet:
		if c.Twilio.AuthToken == "" {
			tok, _, err := kr.Secret(SecretTwilioToken)
			if err != nil {
				return nil, err
			}
			c.Twilio.AuthToken = tok
		}
		tw, err := sms.NewTwilio(sms.TwilioConfig{AccountSID: c.Twilio.AccountSID, AuthToken: c.Twilio.AuthToken, From: c.Twilio.From, BaseURL: c.Twilio.BaseURL}, nil)
		if err != nil {
			return nil, err
		}
		d.Router[core.ChannelSMS], d.Router[core.ChannelVoice] = tw, tw
		d.Where[core.ChannelSMS], d.Where[core.ChannelVoice] = tw.Describe(), tw.Describe()
	case c.Webhook.URL != "":
		if c.Webhook.Token == "" {
			// The token is optional: with no keyring the webhook goes
			// without one, and a gateway that wants it answers 401.
			if tok, ok, err := kr.Secret(SecretWebhookToken); err == nil && ok {
				c.Webhook.Token = tok
			}
		}
		wh, err := sms.NewWebhook(sms.WebhookConfig{URL: c.Webhook.URL, Token: c.Webhook.Token}, nil)
		if err != nil {
			return nil, err
		}
		d.Router[core.ChannelSMS], d.Router[core.ChannelVoice] = wh, wh
		d.Where[core.ChannelSMS], d.Where[core.ChannelVoice] = wh.Describe(), wh.Describe()
	}
	for _, ch := range []core.Channel{core.ChannelEmail, core.ChannelSMS, core.ChannelVoice} {
		if _, ok := d.Router[ch]; !ok {
			d.Router[ch], d.Where[ch] = out, "local outbox (not delivered)"
			d.Outbox = true
		}
	}
	return d, nil
}

// lazyKeyring asks the OS keyring only when a secret is needed.
type lazyKeyring struct{ k keyring.Keyring }

func (l lazyKeyring) Secret(name string) (string, bool, error) { return l.k.Secret(name) }

// Describe lists where each channel goes, one line each.
func (d *Delivery) Describe() string {
	var b strings.Builder
	for _, ch := range []core.Channel{core.ChannelEmail, core.ChannelSMS, core.ChannelVoice} {
		fmt.Fprintf(&b, "%-6s %s\n", ch+":", d.Where[ch])
	}
	return b.String()
}

// getenv is os.Getenv, a variable so tests can pass their own.
var getenv = os.Getenv
