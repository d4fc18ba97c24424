using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Engram.Server.Hosting
{
    /// <summary>
    /// One JSON line of the server's log: per request, its method, path (no query string), status, duration and a
    /// hash of its tenant; never a key, a header or a body. A 500 carries the correlation id its note also has.
    /// </summary>
    internal static class RequestLogLine
    {
        public static string Request(string method, string target, int status, TimeSpan duration, string? tenant, string? correlationId)
        {
            var query = target.IndexOf('?');
            var path = query >= 0 ? target.Substring(0, query) : target;
            using var buffer = new System.IO.MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("time", DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture));
                w.WriteString("method", method);
                w.WriteString("path", path);
                w.WriteNumber("status", status);
                w.WriteNumber("ms", Math.Round(duration.TotalMilliseconds, 1));
                if (tenant != null)
                {
                    w.WriteString("tenant", TenantHash(tenant));
                }

                if (correlationId != null)
                {
                    w.WriteString("correlation_id", correlationId);
                }

                w.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        public static string Note(string note, string? correlationId = null)
        {
            using var buffer = new System.IO.MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("time", DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture));
                w.WriteString("note", note);
                if (correlationId != null)
                {
                    w.WriteString("correlation_id", correlationId);
                }

                w.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        /// <summary>Tells tenants apart in the log without naming them: the first 12 hex digits of SHA-256.</summary>
        private static string TenantHash(string tenant)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(tenant));
            var text = new StringBuilder(12);
            for (var i = 0; i < 6; i++)
            {
                text.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }
    }
}
