using GameBackend.Core.Privacy;
using GameBackend.Core.Privacy.Contributors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GameBackend.Api.Privacy;

/// <summary>
/// Registers the GDPR service and one <see cref="IPlayerDataContributor"/> per feature that stores player data. A new
/// feature adds its contributor here; the export and the erasure then cover it with no other change. Contributors run
/// in this order; the account's goes first, so the player's identities are freed before anything else is erased.
/// </summary>
public static class PrivacyServiceCollectionExtensions
{
    public static IServiceCollection AddPlayerPrivacy(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlayerDataContributor, AccountDataContributor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlayerDataContributor, ProfileDataContributor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlayerDataContributor, ModerationDataContributor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlayerDataContributor, PlayerStorageDataContributor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlayerDataContributor, ProgressionDataContributor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlayerDataContributor, FriendDataContributor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlayerDataContributor, LeaderboardDataContributor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlayerDataContributor, MatchmakingDataContributor>());
        services.TryAddSingleton<PlayerPrivacyService>();
        return services;
    }
}
