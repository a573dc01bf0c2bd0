package jellyfin

import (
	"net"
	"net/http"
	"runtime"

	"github.com/gin-gonic/gin"
)

func (h *Handler) systemRoutes(r *router) {
	r.add("GET", "/System/Info/Public", anonymous, h.publicInfo)
	r.add("GET", "/Localization/ParentalRatings", user, parentalRatings)
	r.add("GET", "/System/Info", user, h.systemInfo)
	r.add("GET", "/System/Ping", anonymous, ping)
	r.add("POST", "/System/Ping", anonymous, ping)
	r.add("GET", "/System/Endpoint", user, endpoint)
	r.add("GET", "/System/Configuration", user, h.admin, h.serverConfiguration)
	r.add("GET", "/Branding/Configuration", anonymous, branding)
	r.add("GET", "/Branding/Css", anonymous, brandingCSS)
	r.add("GET", "/Branding/Css.css", anonymous, brandingCSS)
	r.add("GET", "/Startup/Configuration", user, h.admin, h.startupConfiguration)
	r.add("GET", "/Startup/User", user, h.admin, h.startupUser)
	r.add("GET", "/Startup/FirstUser", user, h.admin, h.startupUser)
	r.add("POST", "/Startup/Complete", user, h.admin, noContent)
}

// publicSystemInfo is GET /System/Info/Public: what clients probe before signing in. The wizard is
// reported complete: Walros makes its first admin itself.
type publicSystemInfo struct {
	LocalAddress           string
	ServerName             string
	Version                string
	ProductName            string
	OperatingSystem        string
	Id                     string
	StartupWizardCompleted bool
}

func (h *Handler) public(c *gin.Context) publicSystemInfo {
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return publicSystemInfo{LocalAddress: scheme + "://" + c.Request.Host, ServerName: h.ServerName, Version: Version,
		ProductName: ProductName, OperatingSystem: runtime.GOOS, Id: h.ServerID, StartupWizardCompleted: true}
}

func (h *Handler) publicInfo(c *gin.Context) { writeJSON(c, http.StatusOK, h.public(c)) }

// systemInfo is GET /System/Info; jellyfin-web and Jellyseerr call it to check a stored token.
type systemInfo struct {
	publicSystemInfo
	OperatingSystemDisplayName string
	PackageName                string
	HasPendingRestart          bool
	IsShuttingDown             bool
	SupportsLibraryMonitor     bool
	WebSocketPortNumber        int
	CompletedInstallations     []any
	CanSelfRestart             bool
	CanLaunchWebBrowser        bool
	HasUpdateAvailable         bool
	CastReceiverApplications   []any
	SystemArchitecture         string
	EncoderLocation            string
}

func (h *Handler) systemInfo(c *gin.Context) {
	port := 8096
	if _, p, err := net.SplitHostPort(c.Request.Host); err == nil {
		if n, err := net.LookupPort("tcp", p); err == nil {
			port = n
		}
	}
	writeJSON(c, http.StatusOK, systemInfo{publicSystemInfo: h.public(c), OperatingSystemDisplayName: runtime.GOOS,
		PackageName: "walros", SupportsLibraryMonitor: true, WebSocketPortNumber: port,
		CompletedInstallations: []any{}, CastReceiverApplications: []any{}, SystemArchitecture: runtime.GOARCH,
		EncoderLocation: "System"})
}

func ping(c *gin.Context) { writeJSON(c, http.StatusOK, ProductName) }

// endpoint is GET /System/Endpoint: the web client picks bitrates from it.
func endpoint(c *gin.Context) {
	ip := net.ParseIP(c.ClientIP())
	local := ip != nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast())
	writeJSON(c, http.StatusOK, gin.H{"IsLocal": ip != nil && ip.IsLoopback(), "IsInNetwork": local})
}

// serverConfiguration is the part of Jellyfin's ServerConfiguration that clients read: Sonarr's
// and Radarr's connection test calls it with an API key and only needs a 200.
func (h *Handler) serverConfiguration(c *gin.Context) {
	writeJSON(c, http.StatusOK, gin.H{
		"ServerName": h.ServerName, "UICulture": "en-US", "MetadataCountryCode": "US",
		"PreferredMetadataLanguage": "en", "IsStartupWizardCompleted": true, "EnableMetrics": false,
		"EnableNormalizedItemByNameIds": true, "EnableLegacyAuthorization": true, "QuickConnectAvailable": true,
		"LibraryMonitorDelay": 60, "MinResumePct": 5, "MaxResumePct": 90, "MinResumeDurationSeconds": 300,
		"MinAudiobookResume": 5, "MaxAudiobookResume": 5, "EnableFolderView": false, "EnableGroupingIntoCollections": false,
		"DisplaySpecialsWithinSeasons": true, "CodecsUsed": []string{}, "PluginRepositories": []any{},
		"EnableExternalContentInSuggestions": true, "ImageSavingConvention": "Compatible", "MetadataOptions": []any{},
		"SkipDeserializationForBasicTypes": true, "CachePath": "", "MetadataPath": "", "ContentTypes": []any{},
		"RemoteClientBitrateLimit": 0, "CorsHosts": []string{"*"}, "ActivityLogRetentionDays": 30,
		"LibraryScanFanoutConcurrency": 0, "LibraryMetadataRefreshConcurrency": 0, "AllowClientLogUpload": false,
		"DummyChapterDuration": 0, "ChapterImageResolution": "MatchSource", "ParallelImageEncodingLimit": 0,
		"CastReceiverApplications": []any{}, "TrickplayOptions": gin.H{}, "EnableSlowResponseWarning": false,
		"SlowResponseThresholdMs": 500, "LogFileRetentionDays": 3, "SortReplaceCharacters": []string{},
		"SortRemoveCharacters": []string{}, "SortRemoveWords": []string{"the", "a", "an"},
	})
}

func branding(c *gin.Context) {
	writeJSON(c, http.StatusOK, gin.H{"LoginDisclaimer": "", "CustomCss": "", "SplashscreenEnabled": false})
}

func brandingCSS(c *gin.Context) { c.Data(http.StatusOK, "text/css; charset=utf-8", nil) }

func (h *Handler) startupConfiguration(c *gin.Context) {
	writeJSON(c, http.StatusOK, gin.H{"ServerName": h.ServerName, "UICulture": "en-US", "MetadataCountryCode": "US",
		"PreferredMetadataLanguage": "en"})
}

func (h *Handler) startupUser(c *gin.Context) {
	u, err := h.Users.Me(c.Request.Context(), callerOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, gin.H{"Name": u.Username})
}

func noContent(c *gin.Context) { c.Status(http.StatusNoContent) }

// admin lets only administrators (and API keys, which act as one) through; others get 403.
func (h *Handler) admin(c *gin.Context) {
	if !callerOf(c).Admin {
		status(c, http.StatusForbidden)
	}
}
