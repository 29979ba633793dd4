"""The guide editor's tabs, after 六统一: content, materials, conditions, process, time, fees."""

from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
    TabbedInterface,
)
from wagtail.models import Page


class TranslationPanel(Panel):
    """The guide's texts that still have no English, as the validator's warnings: a reminder for the
    editor, never a reason to refuse saving or publishing."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "services/admin/translation_panel.html"

        def get_context_data(self, parent_context=None):
            from cms.services.standard import untranslated_fields

            context = super().get_context_data(parent_context)
            context["warnings"] = untranslated_fields(self.instance) if self.instance.pk else None
            return context


guide_edit_handler = TabbedInterface(
    [
        ObjectList(
            [
                TranslationPanel(heading="英文译文 English"),
                *Page.content_panels,
                FieldRowPanel([FieldPanel("code"), FieldPanel("item_type")]),
                FieldPanel("name_en"),
                FieldPanel("summary"),
                FieldPanel("summary_en"),
                FieldRowPanel([FieldPanel("category"), FieldPanel("service_object")]),
                FieldPanel("department"),
                InlinePanel("co_department_links", label="协办部门 co-department", heading="协办部门 co-departments"),
                FieldPanel("legal_basis"),
                FieldPanel("legal_basis_en"),
                FieldRowPanel([FieldPanel("status"), FieldPanel("effective_date")]),
                FieldPanel("keywords"),
                MultiFieldPanel(
                    [
                        FieldRowPanel(
                            [
                                FieldPanel("channels_visits"),
                                FieldPanel("channels_visits_reason"),
                                FieldPanel("channels_visits_reason_en"),
                            ]
                        ),
                        FieldRowPanel([FieldPanel("channels_online"), FieldPanel("channels_online_depth")]),
                        FieldRowPanel([FieldPanel("channels_appointment"), FieldPanel("channels_kiosk")]),
                        FieldRowPanel([FieldPanel("channels_express"), FieldPanel("channels_online_payment")]),
                    ],
                    heading="办理渠道 channels",
                ),
                MultiFieldPanel(
                    [
                        FieldRowPanel([FieldPanel("result_certificate"), FieldPanel("result_certificate_en")]),
                        FieldRowPanel([FieldPanel("result_validity"), FieldPanel("result_validity_en")]),
                        FieldPanel("result_delivery"),
                    ],
                    heading="办理结果 result",
                ),
                InlinePanel("centre_links", label="办理地点 centre", heading="同城通办 centres", min_num=1),
                MultiFieldPanel(
                    [FieldPanel("contact_consultation_phones"), FieldPanel("contact_complaint_phone")],
                    heading="咨询与投诉 contact",
                ),
                InlinePanel("faq", label="问题 question", heading="常见问题 FAQ"),
            ],
            heading="内容 content",
        ),
        ObjectList(
            [InlinePanel("materials", label="材料 material", heading="申请材料 materials")], heading="材料 materials"
        ),
        ObjectList(
            [
                FieldPanel("conditions"),
                FieldPanel("conditions_en"),
                FieldPanel("prohibitions"),
                FieldPanel("prohibitions_en"),
            ],
            heading="条件 conditions",
        ),
        ObjectList(
            [
                InlinePanel("steps", label="环节 step", heading="办理流程 steps", min_num=1),
                InlinePanel(
                    "special_procedures", label="特别程序 special procedure", heading="特别程序 special procedures"
                ),
            ],
            heading="流程 process",
        ),
        ObjectList(
            [FieldRowPanel([FieldPanel("statutory_days"), FieldPanel("committed_days")]), FieldPanel("immediate")],
            heading="时限 time",
        ),
        ObjectList(
            [
                FieldPanel("fees_free"),
                InlinePanel("fee_items", label="收费项目 fee item", heading="收费项目 fee items"),
            ],
            heading="收费 fees",
        ),
        ObjectList(Page.promote_panels, heading="推广 promote"),
        ObjectList(Page.settings_panels, heading="设置 settings"),
    ]
)
