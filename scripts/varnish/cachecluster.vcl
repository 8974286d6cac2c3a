vcl 4.1;

# Varnish in front of CacheCluster's HTTP API, purged by the cluster's CDN purger (CacheCluster:Cdn:Varnish:Url).
# The test fixture and scripts replace the backend's host and port below.
#   PURGE /v1/cache/{key}                   removes that URL (all Vary variants)
#   BAN   with X-Ban-Tag: <regex-escaped>   bans objects whose Cache-Tag header lists the tag
#   BAN   with X-Ban-Url: <anchored regex>  bans objects whose URL matches (a key prefix)
# Only the purgers ACL may purge or ban.

import std;

backend cachecluster {
    .host = "127.0.0.1";
    .port = "5080";
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        return (purge);
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        # std.ban() reports a ban expression Varnish refused (a space in a tag, say): answer 400, so the purger
        # counts it as failed instead of purged.
        if (req.http.X-Ban-Tag) {
            if (std.ban("obj.http.X-Cache-Tags ~ (^|,)" + req.http.X-Ban-Tag + "(,|$)")) {
                return (synth(200, "Banned tag"));
            }
            return (synth(400, "Ban failed: " + std.ban_error()));
        }
        if (req.http.X-Ban-Url) {
            if (std.ban("obj.http.X-Url ~ " + req.http.X-Ban-Url)) {
                return (synth(200, "Banned URL"));
            }
            return (synth(400, "Ban failed: " + std.ban_error()));
        }
        return (synth(400, "BAN needs X-Ban-Tag or X-Ban-Url"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Shared caches must not reuse answers to authorized requests (RFC 9111 §3.5), and the lease protocol
    # (?fill=1) is per caller: never cache either.
    if (req.http.Authorization) {
        return (pass);
    }
    if (req.url ~ "[?&]fill=") {
        return (pass);
    }
    return (hash);
}

sub vcl_backend_response {
    # Misses (404) and errors are answers about this moment: do not keep them.
    if (beresp.status != 200) {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Kept on the object for bans (the ban lurker can only test obj.*).
    set beresp.http.X-Url = bereq.url;
    set beresp.http.X-Cache-Tags = regsuball(beresp.http.Cache-Tag, " *, *", ",");
}

sub vcl_deliver {
    unset resp.http.X-Url;
    unset resp.http.X-Cache-Tags;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
