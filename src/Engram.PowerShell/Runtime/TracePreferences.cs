using System;
using System.Management.Automation;
using System.Reflection;

namespace Engram.PowerShell.Runtime
{
    /// <summary>
    /// Keeps -Debug from turning every trace line into a question. Under -Debug PowerShell gives a compiled
    /// cmdlet the Inquire preference for its Verbose lines (PowerShell 7) and its Debug lines (Windows
    /// PowerShell 5.1), as does <c>$DebugPreference = 'Inquire'</c>: each line asks "Continue with this
    /// operation?", and a -NonInteractive session throws instead. The traces are for reading, so Inquire
    /// becomes Continue for this cmdlet only. PowerShell offers no public setter for a cmdlet's own
    /// preferences; its command runtime's internal ones are used, and a version without them keeps its own
    /// behaviour.
    /// </summary>
    internal static class TracePreferences
    {
        private const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

        public static void ContinueInsteadOfInquire(Cmdlet cmdlet)
        {
            var runtime = cmdlet.CommandRuntime;
            if (runtime == null)
            {
                return;
            }

            try
            {
                var type = runtime.GetType();
                var debug = type.GetProperty("DebugPreference", Members);
                if (debug != null && debug.CanWrite && IsInquire(debug.GetValue(runtime)))
                {
                    debug.SetValue(runtime, ActionPreference.Continue);
                }

                var verbose = type.GetProperty("VerbosePreference", Members);
                if (verbose == null || !IsInquire(verbose.GetValue(runtime)))
                {
                    return;
                }

                if (verbose.CanWrite)
                {
                    verbose.SetValue(runtime, ActionPreference.Continue);
                    return;
                }

                // No setter: the -Verbose switch's flag gives Continue.
                var flag = type.GetProperty("Verbose", Members);
                if (flag != null && flag.CanWrite)
                {
                    flag.SetValue(runtime, flag.PropertyType == typeof(SwitchParameter) ? (object)new SwitchParameter(true) : true);
                }
            }
            catch (Exception ex) when (ex is TargetInvocationException || ex is MemberAccessException || ex is ArgumentException || ex is AmbiguousMatchException)
            {
                // Another PowerShell's runtime: its own preferences stay.
            }
        }

        private static bool IsInquire(object? preference) => preference is ActionPreference value && value == ActionPreference.Inquire;
    }
}
