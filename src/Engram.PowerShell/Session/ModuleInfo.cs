using System.Reflection;

namespace Engram.PowerShell.Session
{
    /// <summary>The module's version as the User-Agent reports it (Engram.psd1's ModuleVersion, via the build).</summary>
    internal static class ModuleInfo
    {
        public static string Version
        {
            get
            {
                var assembly = typeof(ModuleInfo).Assembly;
                var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
                if (string.IsNullOrEmpty(informational))
                {
                    return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
                }

                // The SDK appends "+<commit>"; the User-Agent wants the plain version.
                var plus = informational!.IndexOf('+');
                return plus < 0 ? informational : informational.Substring(0, plus);
            }
        }

        public static string UserAgentSuffix => "engram-powershell/" + Version;
    }
}
