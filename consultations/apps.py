from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultations"
    verbose_name = "相談支援"

    def ready(self):
        # indicators knows nothing of consultations: this app plugs into the extension points it offers. Imported
        # here because these modules import models, which cannot be imported before the app registry is ready.
        from consultations import feeds, services
        from indicators.entry import proposals
        from indicators.services import DataLoader, register_loader

        proposals.register(feeds.proposals)
        register_loader(DataLoader("相談支援のデータ", services.load_master_data, services.MasterDataError))
