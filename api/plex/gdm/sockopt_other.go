//go:build !linux

package gdm

import (
	"errors"
	"net"
	"net/netip"
	"syscall"
)

// reuseAddr is a no-op off Linux: walros is deployed on Linux, and this file only
// keeps the package building elsewhere.
func reuseAddr(_, _ string, _ syscall.RawConn) error { return nil }

// joinIPv4 is not implemented off Linux; unicast and broadcast requests still work.
func joinIPv4(_ *net.UDPConn, _ netip.Addr, _ int) error { return errors.ErrUnsupported }
