using System;
using System.Management.Automation;
using System.Text.Json;
using Engram.PowerShell.Conversion;

namespace Engram.PowerShell.Binding
{
    /// <summary>Takes JSON text, a hashtable or a PSCustomObject and binds it as one JSON value.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class JsonValueTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            if (inputData == null || (inputData is PSObject ps && ps.BaseObject is JsonElement))
            {
                return inputData;
            }

            try
            {
                return PSJsonConverter.ToJsonElement(inputData);
            }
            catch (JsonException ex)
            {
                throw new ArgumentTransformationMetadataException("The value is not valid JSON: " + ex.Message, ex);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentTransformationMetadataException(ex.Message, ex);
            }
        }
    }
}
