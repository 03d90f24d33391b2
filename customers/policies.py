"""Who may do what with customers. Visibility itself is accounts.scopes (one mechanism)."""

from accounts.policies import can_view, has_perm

VIEW = "customers.view_customer"
ADD = "customers.add_customer"
CHANGE = "customers.change_customer"
DELETE = "customers.delete_customer"
ASSIGN = "customers.assign_customer"
EXPORT = "customers.export_customer"
VIEW_CONTACT = "customers.view_contact"
ADD_CONTACT = "customers.add_contact"
CHANGE_CONTACT = "customers.change_contact"
DELETE_CONTACT = "customers.delete_contact"
ADD_SURVEY = "customers.add_customersurvey"
ADD_CERTIFICATION = "customers.add_certificationapplication"


def can_view_customer(user, customer) -> bool:
    return has_perm(user, VIEW) and can_view(user, customer)


def can_edit_customer(user, customer) -> bool:
    return has_perm(user, CHANGE) and can_view(user, customer)


def can_delete_customer(user, customer) -> bool:
    return has_perm(user, DELETE) and can_view(user, customer)


def can_assign_customer(user, customer=None) -> bool:
    return has_perm(user, ASSIGN) and (customer is None or can_view(user, customer))


def can_export_customers(user) -> bool:
    return has_perm(user, EXPORT)


def can_edit_contacts(user, customer) -> bool:
    return has_perm(user, CHANGE_CONTACT) and can_view(user, customer)


def can_add_contacts(user, customer) -> bool:
    return has_perm(user, ADD_CONTACT) and can_view(user, customer)


def can_delete_contacts(user, customer) -> bool:
    return has_perm(user, DELETE_CONTACT) and can_view(user, customer)


def can_record_survey(user, customer) -> bool:
    return has_perm(user, ADD_SURVEY) and can_view(user, customer)


def can_apply_certification(user, customer) -> bool:
    return has_perm(user, ADD_CERTIFICATION) and can_view(user, customer)
