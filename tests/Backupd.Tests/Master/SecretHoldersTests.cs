using System.Reflection;
using Backupd.Grains.Secrets;
using Backupd.Master.Secrets;

namespace Backupd.Tests.Master;

/// <summary>Key rotation reaches every kind of secret: a grain that encrypts and is not listed fails here.</summary>
public sealed class SecretHoldersTests
{
    [Fact]
    public void Every_grain_that_encrypts_is_a_secret_holder_of_a_kind_that_rotation_lists()
    {
        var encrypting = typeof(ISecretCipher).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(Grain).IsAssignableFrom(type))
            .Where(type => type.GetConstructors().Any(constructor => constructor.GetParameters().Any(parameter => parameter.ParameterType == typeof(ISecretCipher))))
            .ToList();
        Assert.NotEmpty(encrypting);

        foreach (var grain in encrypting)
        {
            Assert.True(typeof(ISecretHolder).IsAssignableFrom(grain), $"{grain.Name} encrypts secrets but is not an ISecretHolder");
            Assert.True(
                SecretHolders.Kinds.Any(kind => kind.Interface.IsAssignableFrom(grain) && typeof(ISecretHolder).IsAssignableFrom(kind.Interface)),
                $"{grain.Name} encrypts secrets but no kind in SecretHolders.Kinds lists its grain interface: rotation would leave its secrets behind");
        }

        Assert.Equal(SecretHolders.Kinds.Count, encrypting.Count);
    }
}
