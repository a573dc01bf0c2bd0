package gdm

import (
	"net"
	"net/netip"
	"syscall"
)

// reuseAddr sets SO_REUSEADDR before bind, so that several sockets (a restarted
// walros, or a Plex server on the same host) can share port 32414. All of them get
// multicast and broadcast requests.
func reuseAddr(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
	})
	if err != nil {
		return err
	}
	return serr
}

// joinIPv4 joins the IPv4 multicast group on the interface with index ifindex.
func joinIPv4(conn *net.UDPConn, group netip.Addr, ifindex int) error {
	rc, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	mreq := &syscall.IPMreqn{Multiaddr: group.As4(), Ifindex: int32(ifindex)}
	var serr error
	err = rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptIPMreqn(int(fd), syscall.IPPROTO_IP, syscall.IP_ADD_MEMBERSHIP, mreq)
	})
	if err != nil {
		return err
	}
	return serr
}
