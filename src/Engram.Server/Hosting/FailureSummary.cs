using System;
using System.Diagnostics;
using System.Text;

namespace Engram.Server.Hosting
{
    /// <summary>
    /// What the log says about an unexpected failure: each exception's type and message (innermost last) and the
    /// methods it was thrown from, so a 500 can be traced to its cause from the log alone. Method names only: no
    /// file paths, arguments or request data (a "ArgumentOutOfRangeException: Specified argument was out of the
    /// range" without its throw site was all a past intermittent 500 left behind).
    /// </summary>
    internal static class FailureSummary
    {
        /// <summary>Frames named per exception: enough to reach the engine's own code from inside a library.</summary>
        private const int FramesPerException = 8;

        /// <summary>Bounds the chain of inner exceptions followed.</summary>
        private const int MaxDepth = 4;

        public static string Of(Exception exception)
        {
            var text = new StringBuilder();
            var depth = 0;
            for (var e = exception; e != null && depth < MaxDepth; e = e.InnerException, depth++)
            {
                if (depth > 0)
                {
                    text.Append(" <- caused by ");
                }

                text.Append(e.GetType().FullName).Append(": ").Append(e.Message);
                AppendFrames(text, e);
            }

            return text.ToString();
        }

        private static void AppendFrames(StringBuilder text, Exception exception)
        {
            var frames = new StackTrace(exception, fNeedFileInfo: false).GetFrames();
            if (frames == null)
            {
                return;
            }

            var named = 0;
            foreach (var frame in frames)
            {
                var method = frame?.GetMethod();
                if (method == null)
                {
                    continue;
                }

                text.Append(named == 0 ? " at " : " < ").Append(method.DeclaringType?.FullName ?? "?").Append('.').Append(method.Name);
                if (++named == FramesPerException)
                {
                    break;
                }
            }
        }
    }
}
