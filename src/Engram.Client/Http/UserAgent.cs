using System;
using System.Reflection;

namespace Engram.Client.Http
{
    /// <summary>The User-Agent header: <c>engram-dotnet/&lt;version&gt;</c> plus an optional suffix (§3.3).</summary>
    internal static class UserAgent
    {
        public const string Product = "engram-dotnet";

        /// <summary>The client's version: the assembly's informational version without a <c>+commit</c> suffix.</summary>
        public static string ClientVersion
        {
            get
            {
                var assembly = typeof(UserAgent).GetTypeInfo().Assembly;
                var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
                if (string.IsNullOrWhiteSpace(informational))
                {
                    informational = assembly.GetName().Version?.ToString(3) ?? "0.0.0";
                }

                var plus = informational!.IndexOf('+');
                return plus >= 0 ? informational.Substring(0, plus) : informational;
            }
        }

        /// <summary><paramref name="replacement"/> when given; otherwise the default value with the suffix after a space.</summary>
        public static string Compose(string? replacement, string? suffix)
        {
            var value = !string.IsNullOrWhiteSpace(replacement)
                ? replacement!.Trim()
                : Product + "/" + ClientVersion + (string.IsNullOrWhiteSpace(suffix) ? "" : " " + suffix!.Trim());

            foreach (var c in value)
            {
                if (c < ' ' || c == '\u007f')
                {
                    throw new ArgumentException("The User-Agent must not contain control characters or line breaks.", nameof(EngramClientOptions.UserAgent));
                }
            }

            return value;
        }
    }
}
