using System;

namespace Engram.Server.Hosting
{
    /// <summary>
    /// DNS-rebinding protection: a web page that points some name at 127.0.0.1 sends that name as Host, so only
    /// the loopback server's own names are served — <c>127.0.0.1</c> and <c>localhost</c>, with or without a port.
    /// An HTTP/1.0 request without Host (Kestrel refuses HTTP/1.1 without one) comes from a local tool, not a browser.
    /// </summary>
    internal static class LoopbackHost
    {
        public static bool IsAllowed(string? host)
        {
            if (host == null)
            {
                return true;
            }

            var name = host;
            var colon = host.LastIndexOf(':');
            if (colon >= 0)
            {
                name = host.Substring(0, colon);
            }

            return string.Equals(name, "127.0.0.1", StringComparison.Ordinal)
                || string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase);
        }
    }
}
