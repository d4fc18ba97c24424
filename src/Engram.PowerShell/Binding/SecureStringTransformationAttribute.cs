using System;
using System.Management.Automation;
using System.Security;
using Engram.PowerShell.Session;

namespace Engram.PowerShell.Binding
{
    /// <summary>
    /// Lets a SecureString parameter also take plain text (<c>-ApiKey $env:SOME_KEY</c>, a CSV column, a
    /// secret from SecretManagement), so scripts do not need ConvertTo-SecureString -AsPlainText.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject ps ? ps.BaseObject : inputData;
            switch (value)
            {
                case null:
                    return null;
                case SecureString secure:
                    return secure;
                case string text:
                    return SecretText.ToSecureString(text);
                default:
                    // Never echo the value: it may be the key itself.
                    throw new ArgumentTransformationMetadataException(
                        "The API key must be a string or a SecureString, not a " + value.GetType().Name + ".");
            }
        }
    }
}
