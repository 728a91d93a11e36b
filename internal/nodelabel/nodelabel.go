// Package nodelabel sets and removes one label of a Kubernetes node through the API
// server, with the pod's service account: what the node installer needs to offer a node
// to oshim pods once oshim works there, and to withdraw it first at cleanup. It speaks
// to the API with the standard library only, so the installer image carries no client
// libraries and oshim itself no HTTP stack.
package nodelabel

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// ServiceAccountDir is where Kubernetes mounts a pod's service account token and the
// cluster's CA.
const ServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// maxResponse bounds what is read of an API answer: only its status message is used.
const maxResponse = 1 << 20

// Client patches nodes.
type Client struct {
	// Server is the API server's base URL, https://HOST:PORT.
	Server string
	// Token is the bearer token sent with every request.
	Token string
	// HTTP carries the requests; it trusts the cluster's CA.
	HTTP *http.Client
}

// InCluster returns a client from the environment Kubernetes gives every pod:
// KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, and the service account's token
// and CA under dir (ServiceAccountDir in a pod).
func InCluster(dir string) (*Client, error) {
	host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
	if host == "" || port == "" {
		return nil, errors.New("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are unset: not running in a Kubernetes pod")
	}
	token, err := os.ReadFile(filepath.Join(dir, "token"))
	if err != nil {
		return nil, fmt.Errorf("read the service account token (is automountServiceAccountToken off?): %w", err)
	}
	ca, err := os.ReadFile(filepath.Join(dir, "ca.crt"))
	if err != nil {
		return nil, fmt.Errorf("read the cluster CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, fmt.Errorf("%s: no PEM certificate", filepath.Join(dir, "ca.crt"))
	}
	transport := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout: 10 * time.Second,
		// Never a proxy from the environment: the API server is in the cluster.
		Proxy: nil,
	}
	return &Client{
		Server: "https://" + net.JoinHostPort(host, port),
		Token:  strings.TrimSpace(string(token)),
		HTTP:   &http.Client{Transport: transport, Timeout: 30 * time.Second},
	}, nil
}

// Set gives node the label key=value.
func (c *Client) Set(ctx context.Context, node, key, value string) error {
	if err := checkLabel(key, value); err != nil {
		return err
	}
	return c.patch(ctx, node, key, value)
}

// Remove takes the label key off node; a node without it is no error.
func (c *Client) Remove(ctx context.Context, node, key string) error {
	if err := checkLabel(key, ""); err != nil {
		return err
	}
	return c.patch(ctx, node, key, nil)
}

// patch sends a JSON merge patch of the node's labels: it touches no other label, and
// needs only the "patch" verb on nodes.
func (c *Client) patch(ctx context.Context, node, key string, value any) error {
	if !nodeName.MatchString(node) {
		return fmt.Errorf("node name %q is not a DNS subdomain (set NODE_NAME from spec.nodeName)", node)
	}
	body, err := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{key: value}}})
	if err != nil {
		return err
	}
	u := c.Server + "/api/v1/nodes/" + url.PathEscape(node)
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/merge-patch+json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("PATCH node %s: %w", node, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	msg := strings.TrimSpace(string(answer))
	var status struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(answer, &status) == nil && status.Message != "" {
		msg = status.Message
	}
	hint := ""
	if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized {
		hint = " (the installer's service account needs get and patch on nodes: see the ClusterRole in node-installer.yaml)"
	}
	return fmt.Errorf("PATCH node %s: %s: %s%s", node, resp.Status, msg, hint)
}

var (
	// nodeName is a DNS subdomain, as Kubernetes requires of node names.
	nodeName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	// labelName is a label key's name part; the optional prefix is a DNS subdomain.
	labelName  = regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$`)
	labelValue = regexp.MustCompile(`^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$`)
)

// checkLabel refuses what the API server would refuse, with a message that names it.
func checkLabel(key, value string) error {
	prefix, name, ok := strings.Cut(key, "/")
	if !ok {
		prefix, name = "", key
	}
	if (ok && (len(prefix) > 253 || !nodeName.MatchString(prefix))) || !labelName.MatchString(name) {
		return fmt.Errorf("label key %q: want [PREFIX/]NAME, PREFIX a DNS subdomain, NAME up to 63 letters, digits, '-', '_', '.'", key)
	}
	if !labelValue.MatchString(value) {
		return fmt.Errorf("label value %q: up to 63 letters, digits, '-', '_', '.', starting and ending alphanumeric", value)
	}
	return nil
}
