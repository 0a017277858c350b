"""The vocabulary of obligation kinds (docs/clause-templates.md) and the feature serving each.

A template may use only these kinds. `feature` names the part of the portal that serves the
kind (the issue that builds it fills the feature in; until then the duty is tracked by its
events and attestations). `evidence` is the default way a duty of this kind is met.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # Japanese label shown in the UI
    group: str
    feature: str
    evidence: str  # approval | ledger | form | attestation | upload | report | record | none


_K = Kind
KINDS: dict[str, Kind] = {
    k.code: k
    for k in [
        # 体制・名簿
        _K("responsible-person", "責任者の選任・届出", "personnel", "roster", "approval"),
        _K("roster", "従事者名簿", "personnel", "roster", "approval"),
        _K("personnel-prior-approval", "従事者の事前承認", "personnel", "roster", "approval"),
        _K("personnel-change-notice", "従事者変更の届出", "personnel", "roster", "form"),
        _K("pledge", "誓約書", "personnel", "pledges", "upload"),
        _K("training", "教育・研修", "personnel", "training", "report"),
        _K("supervision", "従事者の監督", "personnel", "roster", "attestation"),
        _K("dispatch-worker", "派遣労働者の守秘義務", "personnel", "roster", "attestation"),
        _K("identification", "名札・身分証明書の携帯", "personnel", "worksites", "attestation"),
        _K("worker-unsuitable", "不適当な従事者への措置", "personnel", "roster", "record"),
        # 作業場所
        _K("worksite-approval", "作業場所の承認", "worksite", "worksites", "approval"),
        _K("designated-place-only", "指定場所以外への持出し禁止", "worksite", "takeout", "attestation"),
        _K("locked-storage", "施錠保管", "worksite", "worksites", "attestation"),
        _K("secure-area-rules", "管理区域の入退室ルール", "worksite", "worksites", "attestation"),
        # 再委託
        _K("subcontract-approval", "再委託の事前承認", "subcontract", "subcontracts", "approval"),
        _K("subcontract-application", "再委託の申請内容", "subcontract", "subcontracts", "form"),
        _K("subcontract-precheck", "再委託先の安全管理措置の事前確認", "subcontract", "subcontracts", "form"),
        _K("subcontract-chain", "再々委託以降の承認・通知", "subcontract", "subcontracts", "approval"),
        _K(
            "subcontract-equivalent-terms",
            "再委託先への同等の義務付けと監督",
            "subcontract",
            "subcontracts",
            "attestation",
        ),
        # 情報の取扱い・台帳
        _K("device-ledger", "パソコン・媒体の台帳管理", "ledger", "device_ledger", "ledger"),
        _K("no-private-devices", "私用機器の使用禁止", "ledger", "device_ledger", "attestation"),
        _K(
            "no-unauthorised-software", "ファイル交換ソフト等の禁止", "ledger", "device_ledger", "attestation"
        ),
        _K("antivirus-and-patches", "ウイルス対策・脆弱性対策", "ledger", "device_ledger", "attestation"),
        _K("no-generative-ai", "生成AIへの入力禁止", "ledger", "device_ledger", "attestation"),
        _K("encryption", "暗号化・パスワード保護", "ledger", "information_ledger", "attestation"),
        _K("access-control-and-logging", "アクセス制御と記録", "ledger", "information_ledger", "attestation"),
        _K("information-ledger", "情報の管理台帳", "ledger", "information_ledger", "ledger"),
        _K("receipt-and-handover", "受領証・受渡票", "ledger", "information_ledger", "ledger"),
        _K("take-out", "持出しの承認と記録", "ledger", "takeout", "approval"),
        _K("copy-approval", "複写・複製の承諾", "ledger", "information_ledger", "approval"),
        _K("shipping", "送付・搬送の管理", "ledger", "information_ledger", "ledger"),
        _K("bring-in", "機器・媒体の持込み承認", "ledger", "device_ledger", "approval"),
        _K("backup-and-inspection", "バックアップと定期点検", "ledger", "information_ledger", "record"),
        _K("return-or-disposal", "返還・廃棄", "ledger", "disposal", "record"),
        _K("disposal-application", "廃棄・消去の事前申請", "ledger", "disposal", "approval"),
        _K("disposal-record", "廃棄の記録・証明書", "ledger", "disposal", "form"),
        _K("third-party-disclosure", "第三者提供の禁止", "ledger", "information_ledger", "attestation"),
        _K("purpose-limitation", "目的外利用の禁止", "ledger", "information_ledger", "attestation"),
        _K("confidentiality", "守秘義務", "ledger", "information_ledger", "attestation"),
        # 事故
        _K("incident-report", "事故の報告", "incident", "incidents", "report"),
        _K("incident-response", "事故対応・再発防止", "incident", "incidents", "report"),
        _K("incident-notify-subjects", "本人への通知", "incident", "incidents", "record"),
        _K("incident-publication", "事故の公表", "incident", "incidents", "record"),
        _K("incident-subcontractor", "再委託先からの事故報告", "incident", "incidents", "report"),
        _K("incident-drill", "事故対応手順の見直し・訓練", "incident", "incidents", "record"),
        _K("incident-cooperation", "調査への協力・記録の保存", "incident", "incidents", "record"),
        # 報告・監査
        _K("report-on-request", "求めに応じた報告", "audit", "reports", "report"),
        _K("periodic-report", "定期報告", "audit", "reports", "report"),
        _K("annual-security-check", "情報セキュリティ対策履行状況確認書", "audit", "security_check", "form"),
        _K("audit", "監査・検査への協力", "audit", "audits", "record"),
        _K("audit-response-plan", "監査対応計画書", "audit", "audits", "form"),
        _K("corrective-action", "是正措置", "audit", "audits", "record"),
        _K("self-audit", "自己監査結果の報告", "audit", "audits", "report"),
        _K("security-rules", "情報セキュリティ規程の整備・遵守", "audit", "documents", "upload"),
        # Generic kinds: any new template can say "submit this document" or "attest this measure"
        # without code. They need `document` / `measure` on the obligation.
        _K("submit-document", "書類の提出", "generic", "documents", "upload"),
        _K("attest-measure", "措置の実施の確認", "generic", "attestations", "attestation"),
        # Statutory (APPI) clocks, applied by the built-in template.
        _K("appi-preliminary-report", "個人情報保護委員会への速報", "statutory", "incidents", "report"),
        _K("appi-final-report", "個人情報保護委員会への確報", "statutory", "incidents", "report"),
    ]
}

ACTORS = ("contractor", "client")
TRIGGERS = ("contract_signed", "work_start", "event", "periodic", "on_request", "contract_end", "standing")
DEADLINE_RULES = (
    "none",  # standing duty: no date (attestations renewed by their own period, if any)
    "immediately",  # due on the day of the trigger
    "business_days_after",  # N business days of the public body after the trigger
    "calendar_days_after",  # N calendar days after the trigger
    "before_work_start",  # due on the contract's planned work start
    "before_contract_end",  # due on the contract's end date
    "fixed_date",  # a date given in the obligation
)
EVIDENCE = ("approval", "ledger", "form", "attestation", "upload", "report", "record", "none")
GENERIC_PARAM = {"submit-document": "document", "attest-measure": "measure"}
