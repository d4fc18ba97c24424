using System;
using System.Runtime.InteropServices;
using System.Security;

namespace Engram.PowerShell.Session
{
    /// <summary>SecureString in and out, for API keys. The plain text only goes to the client's options.</summary>
    internal static class SecretText
    {
        public static SecureString ToSecureString(string text)
        {
            var secure = new SecureString();
            foreach (var c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        public static string ToPlainText(SecureString secure)
        {
            var pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
                return Marshal.PtrToStringUni(pointer) ?? "";
            }
            finally
            {
                if (pointer != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(pointer);
                }
            }
        }
    }
}
