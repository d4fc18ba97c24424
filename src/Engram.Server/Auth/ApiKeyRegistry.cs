using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace Engram.Server.Auth
{
    /// <summary>
    /// Bearer keys and the tenant each one belongs to (wire spec §3.2). Keys are opaque: compared exactly,
    /// never validated for a prefix, never written anywhere.
    /// </summary>
    internal sealed class ApiKeyRegistry
    {
        public const string GeneratedKeyPrefix = "eng_local_";
        private const string BearerPrefix = "Bearer ";

        private readonly Dictionary<string, string> _tenantByKey;

        public ApiKeyRegistry(IEnumerable<KeyValuePair<string, string>> keys, string defaultTenant)
        {
            _tenantByKey = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in keys)
            {
                if (string.IsNullOrEmpty(pair.Key))
                {
                    throw new ArgumentException("An API key must not be empty.", nameof(keys));
                }

                if (string.IsNullOrEmpty(pair.Value))
                {
                    throw new ArgumentException("Every API key needs a tenant id.", nameof(keys));
                }

                if (PrimaryKey == null)
                {
                    PrimaryKey = pair.Key;
                }

                _tenantByKey[pair.Key] = pair.Value;
            }

            if (PrimaryKey == null)
            {
                PrimaryKey = GenerateKey();
                _tenantByKey[PrimaryKey] = defaultTenant;
            }
        }

        /// <summary>The first configured key, or the generated one.</summary>
        public string PrimaryKey { get; }

        /// <summary>The tenant of an <c>Authorization</c> header value, or null when it is not exactly <c>Bearer &lt;known key&gt;</c>.</summary>
        public string? Authenticate(string? authorizationHeader)
        {
            if (authorizationHeader == null || !authorizationHeader.StartsWith(BearerPrefix, StringComparison.Ordinal))
            {
                return null;
            }

            var presented = authorizationHeader.Substring(BearerPrefix.Length);
            foreach (var pair in _tenantByKey)
            {
                // Constant-time per candidate so response timing does not reveal how much of a key matched.
                if (FixedTimeEquals(pair.Key, presented))
                {
                    return pair.Value;
                }
            }

            return null;
        }

        /// <summary><c>eng_local_</c> + 32 hex characters from a cryptographic RNG.</summary>
        public static string GenerateKey()
        {
            var bytes = new byte[16];
            using (var rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(bytes);
            }

            var text = new StringBuilder(GeneratedKeyPrefix, GeneratedKeyPrefix.Length + 32);
            foreach (var b in bytes)
            {
                text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }

        private static bool FixedTimeEquals(string expected, string presented)
        {
            var a = Encoding.UTF8.GetBytes(expected);
            var b = Encoding.UTF8.GetBytes(presented);
            var diff = a.Length ^ b.Length;
            for (var i = 0; i < a.Length; i++)
            {
                diff |= a[i] ^ (i < b.Length ? b[i] : 0);
            }

            return diff == 0;
        }
    }
}
