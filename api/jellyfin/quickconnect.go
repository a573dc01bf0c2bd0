package jellyfin

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// QuickConnect lets a new device sign in with a six-digit code that the user approves from a device
// already signed in (Findroid, Swiftfin and the web client offer it). Requests live in memory for
// quickConnectTTL: a restart only means asking for a new code.
const quickConnectTTL = 10 * time.Minute

// Bounds on what anyone may ask: pending requests per client address and in all, and wrong codes
// a user may try (each is a guess at someone else's code) per quickConnectTTL.
const (
	qcPerAddress   = 5
	qcPending      = 1000
	qcWrongPerUser = 10
)

// quickConnect holds the pending requests, by secret.
type quickConnect struct {
	mu       sync.Mutex
	requests map[string]*qcRequest
	wrong    map[core.UserID][]time.Time // recent wrong codes, per approving user
}

type qcRequest struct {
	secret, code string
	address      string
	device       authInfo
	added        time.Time
	approver     *core.Caller // who approved it, once approved
	user         core.UserID
}

// quickConnectResult is Jellyfin's QuickConnectResult.
type quickConnectResult struct {
	Authenticated bool
	Secret        string
	Code          string
	DeviceId      string
	DeviceName    string
	AppName       string
	AppVersion    string
	DateAdded     jfTime
}

func (r *qcRequest) result() quickConnectResult {
	return quickConnectResult{Authenticated: r.approver != nil, Secret: r.secret, Code: r.code, DeviceId: r.device.DeviceID,
		DeviceName: r.device.Device, AppName: r.device.Client, AppVersion: r.device.Version, DateAdded: jfTime(r.added)}
}

func (h *Handler) quickConnectRoutes(r *router) {
	r.add("GET", "/QuickConnect/Enabled", anonymous, func(c *gin.Context) { writeJSON(c, http.StatusOK, true) })
	r.add("POST", "/QuickConnect/Initiate", anonymous, h.qcInitiate)
	r.add("GET", "/QuickConnect/Connect", anonymous, h.qcConnect)
	r.add("POST", "/QuickConnect/Authorize", user, h.qcAuthorize)
	r.add("POST", "/Users/AuthenticateWithQuickConnect", anonymous, h.qcAuthenticate)
}

// prune drops expired requests and wrong-code records; the caller holds mu.
func (q *quickConnect) prune(now time.Time) {
	for s, r := range q.requests {
		if now.Sub(r.added) > quickConnectTTL {
			delete(q.requests, s)
		}
	}
	for u, ts := range q.wrong {
		for len(ts) > 0 && now.Sub(ts[0]) > quickConnectTTL {
			ts = ts[1:]
		}
		if len(ts) == 0 {
			delete(q.wrong, u)
		} else {
			q.wrong[u] = ts
		}
	}
}

// newCode draws a six-digit code no pending request has; the caller holds mu.
func (q *quickConnect) newCode() (string, error) {
	for {
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
		if err != nil {
			return "", err
		}
		code := fmt.Sprintf("%06d", n.Int64())
		taken := false
		for _, r := range q.requests {
			taken = taken || r.code == code
		}
		if !taken {
			return code, nil
		}
	}
}

func (h *Handler) qcInitiate(c *gin.Context) {
	a := authOf(c)
	if a.Client == "" || a.DeviceID == "" || a.Device == "" || a.Version == "" {
		status(c, http.StatusBadRequest)
		return
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	now, address := time.Now(), c.ClientIP()
	q := &h.qc
	q.mu.Lock()
	q.prune(now)
	mine := 0
	for _, r := range q.requests {
		if r.address == address {
			mine++
		}
	}
	if len(q.requests) >= qcPending || mine >= qcPerAddress { // anyone may ask: bounded
		q.mu.Unlock()
		status(c, http.StatusTooManyRequests)
		return
	}
	code, err := q.newCode()
	if err != nil {
		q.mu.Unlock()
		h.fail(c, err)
		return
	}
	req := &qcRequest{secret: hex.EncodeToString(secret), code: code, address: address, device: a, added: now}
	if q.requests == nil {
		q.requests = map[string]*qcRequest{}
	}
	q.requests[req.secret] = req
	res := req.result()
	q.mu.Unlock()
	writeJSON(c, http.StatusOK, res)
}

func (h *Handler) qcConnect(c *gin.Context) {
	q := &h.qc
	q.mu.Lock()
	q.prune(time.Now())
	req, ok := q.requests[str(c, "secret")]
	var res quickConnectResult
	if ok {
		res = req.result()
	}
	q.mu.Unlock()
	if !ok {
		status(c, http.StatusNotFound)
		return
	}
	writeJSON(c, http.StatusOK, res)
}

// qcAuthorize is POST /QuickConnect/Authorize?code=&userId=: the signed-in user (or an admin, for
// userId) approves the device showing that code.
func (h *Handler) qcAuthorize(c *gin.Context) {
	caller := callerOf(c)
	user := caller.UserID
	if s := str(c, "userId"); s != "" {
		id, ok := parseID(s)
		if !ok {
			status(c, http.StatusBadRequest)
			return
		}
		user = core.UserID(id)
	}
	if user == "" || user != caller.UserID && !caller.Admin {
		status(c, http.StatusForbidden)
		return
	}
	code := str(c, "code")
	now := time.Now()
	q := &h.qc
	q.mu.Lock()
	q.prune(now)
	if len(q.wrong[caller.UserID]) >= qcWrongPerUser {
		q.mu.Unlock()
		status(c, http.StatusTooManyRequests)
		return
	}
	var found *qcRequest
	for _, req := range q.requests {
		if req.code == code && req.approver == nil {
			found = req
			req.approver, req.user = &caller, user
			break
		}
	}
	if found == nil {
		if q.wrong == nil {
			q.wrong = map[core.UserID][]time.Time{}
		}
		q.wrong[caller.UserID] = append(q.wrong[caller.UserID], now)
	}
	q.mu.Unlock()
	if found == nil {
		status(c, http.StatusNotFound)
		return
	}
	writeJSON(c, http.StatusOK, true)
}

// qcAuthenticate is POST /Users/AuthenticateWithQuickConnect {Secret}: the new device trades its
// approved secret for a device token, once.
func (h *Handler) qcAuthenticate(c *gin.Context) {
	var body struct{ Secret string }
	if err := bind(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	q := &h.qc
	q.mu.Lock()
	q.prune(time.Now())
	req, ok := q.requests[body.Secret]
	if ok && req.approver != nil {
		delete(q.requests, body.Secret)
	}
	q.mu.Unlock()
	if !ok || req.approver == nil {
		status(c, http.StatusUnauthorized)
		return
	}
	tok, err := h.Auth.ApproveDevice(c.Request.Context(), *req.approver, req.user, req.device.device(c.ClientIP()))
	if err != nil {
		h.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, h.authResult(tok, req.device.Version))
}
